import request from 'supertest';
import { MOUNTED, type FrontSpec } from './support/fronts';
import { authed, hostileBatch, startSession, type HostileCase, type Session } from './support/hostile-session';
import { header, type RawRequest } from './support/raw-http';
import { requestText, type SeenUpstream } from './support/upstream-record';

// CR/LF in header values and in names that end up in headers. Raw CR, LF, NUL or obs-fold in a
// request header is refused by the parser (400); percent-encoded CRLF in paths, queries and Swift header values
// (X-Copy-From, Destination, X-Object-Manifest, metadata) never becomes a header, neither in the answer nor in
// what the proxy sends a provider. Every case tries to smuggle in "X-Injected"; hostile-session checks the
// answer never carries it.

let s: Session;
beforeAll(async () => {
  s = await startSession();
  // Something to copy and a DLO prefix to point at.
  await request(s.h.server)
    .put(`/object-store/v1/AUTH_${s.ids.project}/photos/crlf-source`)
    .set('x-auth-token', s.token)
    .send('source');
});
afterAll(() => s.close());

/** The parser itself must refuse these: the bytes never reach a route. */
const RAW_HEADERS: Array<[string, string]> = [
  ['bare CR in a value', 'X-Foo: a\rX-Injected: 1'],
  ['NUL in a value', 'X-Foo: a\u0000b'],
  ['obs-fold continuation', 'X-Foo: a\r\n X-Injected: 1'],
  ['space in a header name', 'X Injected: 1'],
  ['control character in a value', 'X-Foo: a\u0001b'],
  ['colon-less header line', 'X-Injected'],
];

function rawHeaderCases(front: FrontSpec): HostileCase[] {
  return RAW_HEADERS.map(([label, line]): HostileCase => ({
    name: `${front.name}: ${label} → 400 from the parser`,
    request: (sess) =>
      Buffer.from(
        `GET ${front.list(sess.ids)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Auth-Token: ${sess.token}\r\n${line}\r\n\r\n`,
        'latin1',
      ),
    expect: [400],
  }));
}

/** What a provider received must not carry the smuggled header either. */
const noUpstreamInjection = (_res: unknown, _sess: Session, upstream: SeenUpstream[]): void => {
  const smuggled = upstream.filter((r) => r.headers['x-injected'] !== undefined);
  expect(smuggled.map((r) => `${r.provider} ${r.method} ${r.url}`)).toEqual([]);
};

function encodedCrlfCases(front: FrontSpec): HostileCase[] {
  const crlf = '%0d%0aX-Injected:%201';
  return [
    {
      name: `${front.name}: encoded CRLF in a resource path → 4xx`,
      request: (sess) => authed(sess, { method: 'GET', path: front.item(sess.ids, `crlf${crlf}`) }),
      // Keystone checks policy before looking a project up: 403 for a non-admin.
      expect: front.name === 'identity' ? [403] : [400, 404],
      check: noUpstreamInjection,
    },
    {
      name: `${front.name}: encoded CRLF in the marker → 4xx or an empty page`,
      request: (sess) => authed(sess, { method: 'GET', path: `${front.list(sess.ids)}?marker=${crlf}` }),
      // Nova/Cinder/Glance: unknown marker 400 (Cinder 404); Swift: any marker is a position (200/204);
      // Keystone and Neutron (without a limit) ignore it (200).
      expect: ['swift', 'keystone', 'neutron'].includes(front.paging) ? [200, 204] : [400, 404],
      check: noUpstreamInjection,
    },
    {
      name: `${front.name}: encoded CRLF in a marker with a limit → 4xx`,
      request: (sess) => authed(sess, { method: 'GET', path: `${front.list(sess.ids)}?limit=1&marker=${crlf}` }),
      // Swift: a position; Keystone ignores both.
      expect: front.paging === 'swift' || front.paging === 'keystone' ? [200, 204] : [400, 404],
      check: noUpstreamInjection,
    },
    {
      name: `${front.name}: X-OCX-Provider with encoded CRLF → 400`,
      request: (sess) =>
        authed(sess, { method: 'GET', path: front.list(sess.ids), headers: [['X-OCX-Provider', `home${crlf}`]] }),
      expect: [400],
      check: noUpstreamInjection,
    },
    {
      name: `${front.name}: hostile x-openstack-request-id is replaced, not echoed`,
      request: (sess) =>
        authed(sess, {
          method: 'GET',
          path: front.list(sess.ids),
          headers: [['X-OpenStack-Request-Id', `req-00000000-0000-0000-0000-000000000000 injected"} {"level":60`]],
        }),
      expect: [200],
      check: (res, sess) => {
        expect(header(res, 'x-openstack-request-id')).toMatch(/^req-[0-9a-f-]{36}$/);
        expect(sess.h.logs.join('')).not.toContain('injected"}');
      },
    },
  ];
}

const account = (sess: Session): string => `/object-store/v1/AUTH_${sess.ids.project}`;
const crlfName = 'crlf%0d%0aX-Injected:%201';

/** Swift names travel in headers (copies, manifests): encoded CRLF must stay data. */
const swiftCases: HostileCase[] = [
  {
    name: 'object-store: PUT an object whose name holds CRLF → 201',
    request: (sess) => authed(sess, { method: 'PUT', path: `${account(sess)}/photos/${crlfName}`, body: 'x' }),
    expect: [201],
    check: noUpstreamInjection,
  },
  {
    name: 'object-store: GET it back → 200',
    request: (sess) => authed(sess, { method: 'GET', path: `${account(sess)}/photos/${crlfName}` }),
    expect: [200],
    check: (res) => expect(res.text).toBe('x'),
  },
  {
    name: 'object-store: COPY with a CRLF Destination → 201',
    request: (sess) =>
      authed(sess, {
        method: 'COPY',
        path: `${account(sess)}/photos/crlf-source`,
        headers: [['Destination', `photos/${crlfName}-copy`]],
      }),
    expect: [201],
    check: noUpstreamInjection,
  },
  {
    name: 'object-store: X-Copy-From naming a CRLF source → 404',
    request: (sess) =>
      authed(sess, {
        method: 'PUT',
        path: `${account(sess)}/photos/copy-target`,
        headers: [['X-Copy-From', `photos/${crlfName}-missing`]],
        body: '',
      }),
    expect: [404],
    check: noUpstreamInjection,
  },
  {
    name: 'object-store: a DLO manifest with a CRLF prefix → 201',
    request: (sess) =>
      authed(sess, {
        method: 'PUT',
        path: `${account(sess)}/photos/crlf-dlo`,
        headers: [['X-Object-Manifest', `photos/${crlfName}`]],
        body: '',
      }),
    expect: [201],
    check: noUpstreamInjection,
  },
  {
    name: 'object-store: HEAD that manifest: its header comes back encoded, not split → 200',
    request: (sess) => authed(sess, { method: 'HEAD', path: `${account(sess)}/photos/crlf-dlo` }),
    expect: [200],
    check: (res) => expect(res.head).not.toMatch(/\r\nX-Injected/i),
  },
  {
    name: 'object-store: metadata value holding an encoded CRLF stays literal → 201',
    request: (sess) =>
      authed(sess, {
        method: 'PUT',
        path: `${account(sess)}/photos/crlf-meta`,
        headers: [['X-Object-Meta-Note', 'a%0d%0aX-Injected: 1']],
        body: 'm',
      }),
    expect: [201],
    check: (_res, _sess, upstream) => {
      noUpstreamInjection(_res, _sess, upstream);
      const put = upstream.find((r) => r.method === 'PUT');
      expect(put?.headers['x-object-meta-note']).toBe('a%0d%0aX-Injected: 1');
    },
  },
  {
    name: 'object-store: listing with a CRLF prefix → 200/204',
    request: (sess) => authed(sess, { method: 'GET', path: `${account(sess)}/photos?prefix=${crlfName}` }),
    expect: [200, 204],
    check: noUpstreamInjection,
  },
  {
    name: 'object-store: container name holding CRLF → 201/202',
    request: (sess) => authed(sess, { method: 'PUT', path: `${account(sess)}/${crlfName}` }),
    expect: [201, 202],
    check: noUpstreamInjection,
  },
];

/** Keystone: the subject token names the token to validate; CRLF or junk there is a 4xx, never a split header. */
const identityCases: HostileCase[] = [
  {
    name: 'identity: X-Subject-Token with encoded CRLF → 404',
    request: (sess): RawRequest =>
      authed(sess, {
        method: 'GET',
        path: '/identity/v3/auth/tokens',
        headers: [['X-Subject-Token', 'abc%0d%0aX-Injected: 1']],
      }),
    // Keystone answers an unknown subject token with 404 "Failed to validate token".
    expect: [404],
    check: (_res, _sess, upstream) =>
      expect(upstream.filter((r) => requestText(r).includes('X-Injected: 1') && r.headers['x-injected'])).toEqual([]),
  },
];

hostileBatch('raw CR, LF and NUL in request headers', MOUNTED.flatMap(rawHeaderCases), () => s);
hostileBatch(
  'encoded CRLF never becomes a header',
  [...MOUNTED.flatMap(encodedCrlfCases), ...swiftCases, ...identityCases],
  () => s,
);
