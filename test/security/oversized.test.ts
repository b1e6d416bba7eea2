import { FRONTS, MOUNTED, WITH_CREATE, type FrontSpec } from './support/fronts';
import { authed, hostileBatch, startSession, type HostileCase, type Session } from './support/hostile-session';
import { header } from './support/raw-http';

// Oversized headers and bodies. Node's HTTP parser answers an oversized header block itself (431,
// maxHeaderSize 16 KiB); JSON bodies over limits.json_body (1 MiB by default) are a 413 in the service's format,
// whether framed by Content-Length or chunked; Swift's own name and metadata limits are 400s.

let s: Session;
beforeAll(async () => {
  s = await startSession();
});
afterAll(() => s.close());

const MiB = 1024 * 1024;

function bodyCases(front: FrontSpec): HostileCase[] {
  const create = front.create;
  if (!create) return [];
  const method = create.method ?? 'POST';
  // A syntactically valid document, so only its size can be the reason for the refusal.
  const big = JSON.stringify({ padding: 'x'.repeat(front.bodyLimit + MiB) });
  const chunked = (): Buffer => {
    const chunk = Buffer.from(JSON.stringify({ padding: 'y'.repeat(64 * 1024) }));
    const parts: Buffer[] = [];
    const count = Math.ceil((front.bodyLimit * 1.5) / chunk.length);
    for (let i = 0; i < count; i++)
      parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
    parts.push(Buffer.from('0\r\n\r\n'));
    return Buffer.concat(parts);
  };
  // An unmounted front answers 404 without reading the body.
  const expectFor = front.mounted ? [413] : [404, 413];
  return [
    {
      name: `${front.name}: ${method} a JSON body 1 MiB over the limit → 413`,
      request: (sess: Session) =>
        authed(sess, {
          method,
          path: create.path(sess.ids),
          headers: [['Content-Type', 'application/json']],
          body: big,
        }),
      expect: expectFor,
    },
    {
      name: `${front.name}: ${method} 1.5× the limit of chunked JSON → 413`,
      request: (sess: Session) =>
        authed(sess, {
          method,
          path: create.path(sess.ids),
          headers: [
            ['Content-Type', 'application/json'],
            ['Transfer-Encoding', 'chunked'],
          ],
          body: chunked(),
        }),
      expect: expectFor,
    },
    {
      name: `${front.name}: ${method} announcing 10 GiB of JSON → 413 before reading it`,
      request: (sess: Session) =>
        authed(sess, {
          method,
          path: create.path(sess.ids),
          headers: [
            ['Content-Type', 'application/json'],
            ['Content-Length', String(10 * 1024 * MiB)],
          ],
          body: '{"a":',
        }),
      expect: expectFor,
      // The declared length alone says it is too large: waiting for the body is a way to hold requests open.
      timeoutMs: 3000,
    },
  ];
}

function headerCases(front: FrontSpec): HostileCase[] {
  return [
    {
      name: `${front.name}: one 20 KiB header → 431`,
      request: (sess: Session) =>
        authed(sess, { method: 'GET', path: front.list(sess.ids), headers: [['X-Junk', 'j'.repeat(20 * 1024)]] }),
      expect: [431],
    },
    {
      name: `${front.name}: 400 headers of 50 bytes → 431`,
      request: (sess: Session) =>
        authed(sess, {
          method: 'GET',
          path: front.list(sess.ids),
          headers: Array.from({ length: 400 }, (_, i): [string, string] => [`X-H${i}`, 'h'.repeat(50)]),
        }),
      expect: [431],
    },
    {
      name: `${front.name}: a 20 KiB URL → 414/431`,
      request: (sess: Session) =>
        authed(sess, { method: 'GET', path: `${front.list(sess.ids)}?marker=${'m'.repeat(20 * 1024)}` }),
      expect: [414, 431],
    },
    {
      name: `${front.name}: a 15 KiB token → 401`,
      request: (sess: Session) =>
        authed(
          sess,
          { method: 'GET', path: front.list(sess.ids), headers: [['X-Auth-Token', 't'.repeat(15 * 1024)]] },
          false,
        ),
      // The unmounted front is a 404 whatever the token.
      expect: front.mounted ? [401] : [404],
    },
    {
      name: `${front.name}: a 10 KiB X-OCX-Provider → 400`,
      request: (sess: Session) =>
        authed(sess, {
          method: 'GET',
          path: front.list(sess.ids),
          headers: [['X-OCX-Provider', 'p'.repeat(10 * 1024)]],
        }),
      expect: front.mounted ? [400] : [404],
      check: (res) => {
        // The message names the provider, clipped: it must not echo 10 KiB back.
        expect(res.body.length).toBeLessThan(2048);
      },
    },
  ];
}

const swiftAccount = (sess: Session): string => `/object-store/v1/AUTH_${sess.ids.project}`;

/** Swift's constraints (GET /info): names and metadata are bounded; the providers' limits must hold through the proxy. */
const swiftLimits: HostileCase[] = [
  {
    name: 'object-store: PUT a 257-byte container name → 400',
    request: (sess) => authed(sess, { method: 'PUT', path: `${swiftAccount(sess)}/${'c'.repeat(257)}` }),
    expect: [400],
  },
  {
    name: 'object-store: PUT a 1025-byte object name → 400',
    request: (sess) =>
      authed(sess, { method: 'PUT', path: `${swiftAccount(sess)}/photos/${'o'.repeat(1025)}`, body: 'x' }),
    expect: [400],
  },
  {
    name: 'object-store: PUT with a 257-byte metadata value → 400',
    request: (sess) =>
      authed(sess, {
        method: 'PUT',
        path: `${swiftAccount(sess)}/photos/meta-value`,
        headers: [['X-Object-Meta-Big', 'v'.repeat(257)]],
        body: 'x',
      }),
    expect: [400],
  },
  {
    name: 'object-store: PUT with a 129-byte metadata name → 400',
    request: (sess) =>
      authed(sess, {
        method: 'PUT',
        path: `${swiftAccount(sess)}/photos/meta-name`,
        headers: [[`X-Object-Meta-${'n'.repeat(129)}`, 'v']],
        body: 'x',
      }),
    expect: [400],
  },
  {
    name: 'object-store: PUT with 91 metadata items → 400',
    request: (sess) =>
      authed(sess, {
        method: 'PUT',
        path: `${swiftAccount(sess)}/photos/meta-count`,
        headers: Array.from({ length: 91 }, (_, i): [string, string] => [`X-Object-Meta-M${i}`, 'v']),
        body: 'x',
      }),
    expect: [400],
  },
  {
    name: 'object-store: POST container metadata over 4096 bytes in all → 400',
    request: (sess) =>
      authed(sess, {
        method: 'POST',
        path: `${swiftAccount(sess)}/photos`,
        headers: Array.from({ length: 20 }, (_, i): [string, string] => [`X-Container-Meta-M${i}`, 'v'.repeat(250)]),
      }),
    expect: [400],
  },
  {
    name: 'object-store: a 2 MiB bulk-delete body → 413',
    request: (sess) =>
      authed(sess, {
        method: 'POST',
        path: `${swiftAccount(sess)}?bulk-delete=true`,
        headers: [['Content-Type', 'text/plain']],
        body: 'photos/nothing-here\n'.repeat(110_000),
      }),
    // Swift's bulk middleware: more than max_deletes_per_request (10 000) names is a 413, reported either as the
    // status or (once the streamed answer started) as "Response Status: 413" in a 200 body.
    expect: [200, 413],
    check: (res) => {
      if (res.status === 200) expect(res.text).toMatch(/413/);
      expect(header(res, 'content-type') ?? '').not.toMatch(/json/);
    },
  },
];

hostileBatch('oversized bodies', WITH_CREATE.flatMap(bodyCases), () => s);
hostileBatch('oversized headers and URLs', FRONTS.flatMap(headerCases), () => s);
hostileBatch('Swift name and metadata limits', swiftLimits, () => s);

it('every mounted front is covered', () => {
  expect(MOUNTED.map((f) => f.name)).toEqual(['identity', 'compute', 'volume', 'image', 'object-store', 'network']);
});
