import request from 'supertest';
import { FRONTS } from './support/fronts';
import { authed, hostileBatch, startSession, type HostileCase, type Session } from './support/hostile-session';
import { header, type RawRequest } from './support/raw-http';
import { requestText } from './support/upstream-record';

// docs/contract.md "Naming a provider": a malformed or unknown `@provider` suffix wherever a client names
// a resource (bodies, paths, Swift container names) is a 400 in the service's format, and the request goes
// nowhere: no provider ever sees the hostile name.

let s: Session;
let serverId = '';
beforeAll(async () => {
  s = await startSession();
  const res = await request(s.h.server).get('/compute/v2.1/servers').set('x-auth-token', s.token);
  serverId = (res.body as { servers: Array<{ id: string }> }).servers[0]?.id ?? '';
});
afterAll(() => s.close());

/** Bad suffixes; each case prefixes a unique tag so "no provider saw it" is checkable. */
const BAD: Array<[string, string]> = [
  ['x@ (nothing after @)', 'x@'],
  ['@y (nothing before @)', '@y'],
  ['a@b@c (unknown last part)', 'a@b@c'],
  ['lone @', '@'],
  ['@@', '@@'],
  ['300-char provider', `x@${'p'.repeat(300)}`],
  ['latin-1 lookalike', 'x@hôme'],
  ['katakana provider', 'x@ホーム'],
  ['NUL after provider', 'x@home\u0000'],
  ['upper-case provider', 'x@HOME'],
  ['trailing space', 'x@home '],
  ['traversal in provider', 'x@bu-keystone/../home'],
  ['space as provider', 'x@ '],
];

const json = (sess: Session, method: string, path: string, body: unknown): RawRequest =>
  authed(sess, { method, path, headers: [['Content-Type', 'application/json']], body: JSON.stringify(body) });

/** Where a client can name a resource with `@provider`. `n` is the full hostile name (tag + bad suffix). */
const POSITIONS: Array<[string, (sess: Session, n: string) => RawRequest]> = [
  [
    'compute server name',
    (sess, n) => json(sess, 'POST', '/compute/v2.1/servers', { server: { name: n, imageRef: 'i', flavorRef: '1' } }),
  ],
  [
    'compute imageRef',
    (sess, n) => json(sess, 'POST', '/compute/v2.1/servers', { server: { name: 'vm', imageRef: n, flavorRef: '1' } }),
  ],
  [
    'compute BDM uuid',
    (sess, n) =>
      json(sess, 'POST', '/compute/v2.1/servers', {
        server: {
          name: 'vm',
          flavorRef: '1',
          block_device_mapping_v2: [{ uuid: n, source_type: 'volume', destination_type: 'volume', boot_index: 0 }],
        },
      }),
  ],
  [
    'compute volume attach',
    (sess, n) =>
      json(sess, 'POST', `/compute/v2.1/servers/${serverId}/os-volume_attachments`, {
        volumeAttachment: { volumeId: n },
      }),
  ],
  [
    'compute server path',
    (sess, n) => authed(sess, { method: 'GET', path: `/compute/v2.1/servers/${encodeURIComponent(n)}` }),
  ],
  [
    'volume name',
    (sess, n) => json(sess, 'POST', `/volume/v3/${sess.ids.project}/volumes`, { volume: { name: n, size: 1 } }),
  ],
  [
    'volume path',
    (sess, n) =>
      authed(sess, { method: 'GET', path: `/volume/v3/${sess.ids.project}/volumes/${encodeURIComponent(n)}` }),
  ],
  [
    'image name',
    (sess, n) => json(sess, 'POST', '/image/v2/images', { name: n, disk_format: 'raw', container_format: 'bare' }),
  ],
  ['image path', (sess, n) => authed(sess, { method: 'GET', path: `/image/v2/images/${encodeURIComponent(n)}` })],
  [
    'Swift container PUT',
    (sess, n) =>
      authed(sess, { method: 'PUT', path: `/object-store/v1/AUTH_${sess.ids.project}/${encodeURIComponent(n)}` }),
  ],
  [
    'Swift container GET',
    (sess, n) =>
      authed(sess, { method: 'GET', path: `/object-store/v1/AUTH_${sess.ids.project}/${encodeURIComponent(n)}` }),
  ],
  [
    'Swift object PUT',
    (sess, n) =>
      authed(sess, {
        method: 'PUT',
        path: `/object-store/v1/AUTH_${sess.ids.project}/${encodeURIComponent(n)}/o`,
        body: 'data',
      }),
  ],
];

/**
 * Swift reads a path as Swift does: percent-decoded first, so NUL is its 412 before any `@` parsing, and an
 * encoded "/" in `x@bu-keystone/../home` splits container `x@bu-keystone` from object `../home` (a legal name)
 * in a container that does not exist there: 404 from bu-keystone, which is the one provider it may ask.
 */
function swiftExpectation(where: string, bad: string): { status: number; asksUpstream: boolean } | undefined {
  if (!where.startsWith('Swift')) return undefined;
  if (bad.includes('\u0000')) return { status: 412, asksUpstream: false };
  if (bad.includes('/')) return { status: 404, asksUpstream: true };
  return undefined;
}

let tagSeq = 0;
const atCases: HostileCase[] = POSITIONS.flatMap(([where, build]) =>
  BAD.map(([label, bad]): HostileCase => {
    const tag = `sec${++tagSeq}t`;
    const swift = swiftExpectation(where, bad);
    const status = swift?.status ?? 400;
    return {
      name: `${where}: ${label} → ${status}`,
      request: (sess) => build(sess, tag + bad),
      expect: [status],
      check: (_res, _sess, upstream) => {
        const seen = upstream.filter((r) => requestText(r).includes(tag));
        if (swift?.asksUpstream) expect(seen.every((r) => r.provider === 'bu-keystone')).toBe(true);
        else expect(seen.map((r) => `${r.provider} ${r.method} ${r.url}`)).toEqual([]);
      },
    };
  }),
);

/** `X-OCX-Provider` must name exactly one configured provider. */
const HEADER_VALUES: Array<[string, string]> = [
  ['unknown provider', 'nowhere'],
  ['two providers', 'home,bu-keystone'],
  ['upper case', 'HOME'],
  ['latin-1 bytes', 'h\u00f4me'],
  ['a wildcard', '*'],
  ['a parameter', 'bu-keystone;q=1'],
  ['an @ name', 'x@home'],
  ['a URL', 'http://evil.example/'],
  ['markup', '<script>alert(1)</script>'],
];
const headerCases: HostileCase[] = FRONTS.filter((f) => f.mounted).flatMap((front) =>
  HEADER_VALUES.map(([label, value]): HostileCase => ({
    name: `${front.name}: X-OCX-Provider ${label} → 400`,
    request: (sess) =>
      authed(sess, { method: 'GET', path: front.list(sess.ids), headers: [['X-OCX-Provider', value]] }),
    expect: [400],
    // The name is echoed in the message (like Keystone does), never as live markup in an HTML error page.
    check: (res) => {
      if (/html/.test(header(res, 'content-type') ?? '')) expect(res.text).not.toContain('<script>');
    },
  })),
);

hostileBatch('bad @provider names in bodies, paths and Swift containers', atCases, () => s);
hostileBatch('bad X-OCX-Provider headers', headerCases, () => s);
