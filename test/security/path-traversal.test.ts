import { FRONTS, type FrontSpec } from './support/fronts';
import { authed, hostileBatch, startSession, type HostileCase, type Session } from './support/hostile-session';
import { requestText, upstreamRequests, type SeenUpstream } from './support/upstream-record';

// Percent-encoded and double-encoded traversal in paths. No spelling of ".." lets a call escape its
// service, its project or its Swift account: the answer is a 4xx in the service's format, and no provider is
// asked for anything outside the front's own service. Swift object names may legally contain ".." and pass
// verbatim (below), yet never address another account.

let s: Session;
beforeAll(async () => {
  s = await startSession();
});
afterAll(() => s.close());

/** Spellings of "go up two levels, then somewhere else"; `T` is replaced by a unique tag. */
const ESCAPES: Array<[string, string]> = [
  ['plain ../..', '/../../identity/v3/T'],
  ['%2e%2e', '/%2e%2e/%2e%2e/identity/v3/T'],
  ['%2E%2E upper', '/%2E%2E/%2E%2E/identity/v3/T'],
  ['double-encoded %252e', '/%252e%252e/%252e%252e/identity/v3/T'],
  ['..%2f', '/..%2f..%2f..%2fidentity%2fT'],
  ['%2e%2e%2f', '/%2e%2e%2f%2e%2e%2fidentity%2fT'],
  ['.%2e mixed', '/.%2e/.%2e/identity/T'],
  ['backslashes', '/..\\..\\identity\\T'],
  ['%5c backslashes', '/%5c..%5c..%5cidentity%5cT'],
  ['overlong UTF-8 dots', '/%c0%ae%c0%ae/%c0%ae%c0%ae/identity/T'],
  ['..;/ (path parameters)', '/..;/..;/identity/T'],
  ['doubled slashes', '//..//..//identity//T'],
  ['%00 NUL', '/%00/../T'],
  ['dot segments only', '/./././T'],
];

/** Every upstream request for a tag went to the front's own service (never identity or another service). */
function staysInService(front: FrontSpec, tag: string) {
  return (_res: unknown, _sess: Session, upstream: SeenUpstream[]): void => {
    const escaped = upstream.filter((r) => requestText(r).includes(tag) && r.service !== front.flavour);
    expect(escaped.map((r) => `${r.provider} ${r.service} ${r.method} ${r.url}`)).toEqual([]);
  };
}

let tagSeq = 0;
function escapeCases(front: FrontSpec): HostileCase[] {
  return ESCAPES.map(([label, suffix]): HostileCase => {
    const tag = `trav${++tagSeq}x`;
    return {
      name: `${front.name}: ${label} → 4xx`,
      request: (sess) => authed(sess, { method: 'GET', path: front.list(sess.ids) + suffix.replace('T', tag) }),
      // 400 malformed path, 404 no such resource, 412 Swift's "Invalid UTF8 or contains NULL"; for Swift also
      // 403, a provider refusing the caller for that name (the caller's answer, never routed around).
      expect: front.flavour === 'object-store' ? [400, 403, 404, 412] : [400, 404],
      check: staysInService(front, tag),
    };
  });
}

/** Request targets that are not a plain origin-form path. */
function targetCases(front: FrontSpec): HostileCase[] {
  return [
    {
      name: `${front.name}: absolute-form target naming another host → never fetched`,
      request: (sess) => authed(sess, { method: 'GET', path: `http://evil.example${front.list(sess.ids)}` }),
      // RFC 9112 §3.2.2: a server accepts absolute-form and uses its path; the host is never dialled.
      // (Swift reads a target that does not start with "/" as its 412 "Bad URL".)
      // The identity and image list paths are their version roots, which answer 300 Multiple Choices.
      expect: front.mounted ? [200, 300, 400, 404, 412] : [404],
      // Nothing upstream may carry the foreign host, neither as a host nor glued into a path.
      check: (_res, _sess, upstream) =>
        expect(
          upstream.filter((r) => requestText(r).includes('evil.example')).map((r) => `${r.provider} ${r.url}`),
        ).toEqual([]),
    },
    {
      name: `${front.name}: raw non-UTF-8 byte in the path → 4xx`,
      request: (sess) => authed(sess, { method: 'GET', path: `${front.list(sess.ids)}/caf\u00e9` }),
      expect: front.flavour === 'object-store' ? [400, 404, 412] : [400, 404],
    },
  ];
}

/** The demo project's account at each provider: the only Swift accounts the proxy may ever address for demo. */
function ownAccounts(sess: Session): Record<string, string> {
  return Object.fromEntries(
    Object.entries(sess.h.demo.providers).map(([name, p]) => [name, `AUTH_${p.projects['demo'] as string}`]),
  );
}

/**
 * Swift reads the account as the path's 3rd segment after percent-decoding the whole path. The only other account
 * a provider may ever be asked for is one the client named as the account itself (a container ACL may grant it),
 * and only home's Swift, where the proxy's account ids are the accounts' own (services/object-store/
 * foreign-account.ts): no dot segment or glued separator ever turns into another account, at any provider.
 */
function neverAnotherAccount(_res: unknown, sess: Session): void {
  const own = ownAccounts(sess);
  const named = new Set([`AUTH_${'0'.repeat(32)}`, `AUTH_${sess.h.demo.providers['bu-keystone']?.projects['demo']}`]);
  const foreign = upstreamRequests(sess.h)
    .filter((r) => r.service === 'object-store' && r.path.startsWith('/object-store/v1/'))
    .filter((r) => swiftAccountOf(r.path) !== own[r.provider])
    .filter(
      (r) =>
        !(
          r.provider === 'home' &&
          named.has(swiftAccountOf(r.path) ?? '') &&
          /^\/object-store\/v1\/AUTH_[0-9a-f]{32}$/.test(r.path)
        ),
    );
  expect(foreign.map((r) => `${r.provider} ${r.method} ${r.url}`)).toEqual([]);
}

function swiftAccountOf(path: string): string | undefined {
  try {
    return decodeURIComponent(path).split('/')[3];
  } catch {
    return undefined;
  }
}

const account = (sess: Session): string => `/object-store/v1/AUTH_${sess.ids.project}`;

/** Attempts to reach another Swift account through the proxy's one account. */
const ACCOUNT_ESCAPES: Array<[label: string, path: (s: Session) => string, expect: number[]]> = [
  ['another account', () => `/object-store/v1/AUTH_${'0'.repeat(32)}`, [403]],
  [
    'a provider-side account id',
    (sess: Session) => `/object-store/v1/AUTH_${sess.h.demo.providers['bu-keystone']?.projects['demo']}`,
    [403],
  ],
  ['../ after the account', (sess: Session) => `${account(sess)}/../AUTH_${'0'.repeat(32)}`, [404]],
  ['%2F.. glued to the account', (sess: Session) => `${account(sess)}%2F..%2FAUTH_${'0'.repeat(32)}`, [404]],
  ['.. as the account', () => '/object-store/v1/%2e%2e/AUTH_x', [403]],
  ['.. as the version', (sess: Session) => `/object-store/%2e%2e/AUTH_${sess.ids.project}`, [404]],
  ['container ".."', (sess: Session) => `${account(sess)}/..`, [404]],
  ['container "%2e%2e"', (sess: Session) => `${account(sess)}/%2e%2e`, [404]],
  ['container "." ', (sess: Session) => `${account(sess)}/.`, [404]],
  ['container ".." object "x"', (sess: Session) => `${account(sess)}/../x`, [404]],
  ['empty container, object', (sess: Session) => `${account(sess)}//x`, [412]],
  ['double-encoded account separator', (sess: Session) => `${account(sess)}%252F..%252FAUTH_x`, [403, 404]],
];
const accountEscapes: HostileCase[] = ACCOUNT_ESCAPES.map(([label, path, expected]) => ({
  name: `object-store: ${label} → ${expected.join('/')}`,
  request: (sess) => authed(sess, { method: 'GET', path: path(sess) }),
  expect: expected,
  check: neverAnotherAccount,
}));

/**
 * Object names with dot segments are legal in Swift and must arrive verbatim in the caller's own container:
 * `photos/../x` is object `../x` in container `photos` (checked against Swift 2.30 in the lab). Each name is
 * written, read back byte for byte, and found in `photos` at a provider, under the caller's account.
 */
const DOT_NAMES: Array<[string, string]> = [
  // [path after "photos/" as sent, object name Swift stores]
  ['../dots1', '../dots1'],
  ['a/../../dots2', 'a/../../dots2'],
  ['%2e%2e/%2e%2e/AUTH_other/dots3', '../../AUTH_other/dots3'],
  ['./dots4', './dots4'],
  ['dots5/..', 'dots5/..'],
  ['dots6/.', 'dots6/.'],
  ['.%2e/dots7', '../dots7'],
  ['..%2F..%2Fdots8', '../../dots8'],
];

function storedInPhotos(sess: Session, name: string): string[] {
  return Object.entries(sess.h.demo.providers)
    .filter(([, p]) =>
      p.objectStore.accounts
        .get(`AUTH_${p.projects['demo'] as string}`)
        ?.containers.get('photos')
        ?.objects.has(name),
    )
    .map(([provider]) => provider);
}

const verbatimNames: HostileCase[] = DOT_NAMES.flatMap(([raw, name]): HostileCase[] => {
  const path = (sess: Session): string => `${account(sess)}/photos/${raw}`;
  return [
    {
      name: `object-store: PUT photos/${raw} stores object "${name}" verbatim → 201`,
      request: (sess) => authed(sess, { method: 'PUT', path: path(sess), body: `body of ${name}` }),
      expect: [201],
      check: (_res, sess) => {
        expect(storedInPhotos(sess, name)).toHaveLength(1);
        neverAnotherAccount(undefined, sess);
      },
    },
    {
      name: `object-store: GET photos/${raw} reads object "${name}" back → 200`,
      request: (sess) => authed(sess, { method: 'GET', path: path(sess) }),
      expect: [200],
      check: (res) => expect((res as { text: string }).text).toBe(`body of ${name}`),
    },
  ];
});

hostileBatch(
  'encoded traversal out of each front',
  FRONTS.flatMap((f) => [...escapeCases(f), ...targetCases(f)]),
  () => s,
);
hostileBatch('no way into another Swift account', accountEscapes, () => s);
hostileBatch('Swift object names with dot segments pass verbatim', verbatimNames, () => s);
