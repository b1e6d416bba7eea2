import { WITH_CREATE, type FrontSpec } from './support/fronts';
import { requestText } from './support/upstream-record';
import { authed, hostileBatch, startSession, type HostileCase, type Session } from './support/hostile-session';

// Malformed and deeply nested JSON on every JSON-reading route is a 400 in the service's format
// (the proxy's own 404 for an unmounted front), never a 5xx, never a prototype polluted by "__proto__" keys.

let s: Session;
beforeAll(async () => {
  s = await startSession();
});
afterAll(() => s.close());

const nested = (depth: number, open: string, close: string, inner = '1'): string =>
  open.repeat(depth) + inner + close.repeat(depth);

/** Bodies no service accepts as a create request. */
const BODIES: Array<[string, string | Buffer]> = [
  ['truncated object', '{"a":'],
  ['lone brace', '{'],
  ['lone bracket', ']'],
  ['trailing comma', '{"a":1,}'],
  ['single quotes', "{'a':1}"],
  ['NaN literal', '{"a":NaN}'],
  ['unquoted key', '{a:1}'],
  ['NUL byte', Buffer.from([0x7b, 0x00, 0x7d])],
  ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
  ['UTF-16 encoded', Buffer.from('{"a":1}', 'utf16le')],
  ['JSON array', '[]'],
  ['JSON string', '"server"'],
  ['JSON number', '12345678901234567890'],
  ['JSON null', 'null'],
  ['huge exponent', '{"a":1e999999}'],
  ['65 nested objects', nested(65, '{"a":', '}')],
  ['100 000 nested arrays', nested(100_000, '[', ']')],
  ['100 000 unterminated arrays', '['.repeat(100_000)],
  ['whitespace only', ' \n\t '],
  ['comment', '/* */ {}'],
];

function jsonCases(front: FrontSpec): HostileCase[] {
  const create = front.create;
  if (!create) return [];
  const expectFor = front.mounted ? [400] : [404];
  return BODIES.map(([label, body]) => ({
    name: `${front.name}: ${create.method ?? 'POST'} ${label} → ${expectFor.join('/')}`,
    request: (sess: Session) =>
      authed(sess, {
        method: create.method ?? 'POST',
        path: create.path(sess.ids),
        headers: [['Content-Type', 'application/json']],
        body,
      }),
    expect: expectFor,
  }));
}

/** Keys that pollute Object.prototype when a body is merged naively into another object. */
function pollutionCases(front: FrontSpec): HostileCase[] {
  const create = front.create;
  if (!create) return [];
  const bodies: Array<[string, string]> = [
    ['"__proto__" key', '{"__proto__": {"polluted": "yes"}}'],
    ['"constructor.prototype" keys', '{"constructor": {"prototype": {"polluted": "yes"}}}'],
    ['duplicate keys', front.name === 'compute' ? '{"server": {"name": 1}, "server": null}' : '{"a": 1, "a": {"b": [}'],
  ];
  return bodies.map(([label, body]) => ({
    name: `${front.name}: ${create.method ?? 'POST'} ${label} → 4xx, nothing polluted`,
    request: (sess: Session) =>
      authed(sess, {
        method: create.method ?? 'POST',
        path: create.path(sess.ids),
        headers: [['Content-Type', 'application/json']],
        body,
      }),
    // A body without the resource key is a 400 everywhere (the SLO manifest: 400 "not a list").
    expect: front.mounted ? [400] : [404],
    check: () => {
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
    },
  }));
}

/**
 * Invalid UTF-8 inside an otherwise valid create: Nova, Cinder and Glance (Python's json.loads on bytes) refuse
 * it with a 400; the proxy must not repair it into U+FFFD and create a resource with a name nobody sent.
 */
const INVALID_UTF8_NAME = Buffer.concat([Buffer.from('"bad-utf8-'), Buffer.from([0xff, 0xfe]), Buffer.from('"')]);
function invalidUtf8Cases(front: FrontSpec): HostileCase[] {
  const create = front.create;
  // Keystone's token body is relayed as the client's bytes (not parsed); Swift's manifest has no names.
  if (!create || !front.mounted || front.name === 'object-store' || front.name === 'identity') return [];
  const template = JSON.stringify(create.body('NAME'));
  const [before, after] = template.split('"NAME"') as [string, string];
  return [
    {
      name: `${front.name}: ${create.method ?? 'POST'} a valid create whose name is invalid UTF-8 → 400`,
      request: (sess: Session) =>
        authed(sess, {
          method: create.method ?? 'POST',
          path: create.path(sess.ids),
          headers: [['Content-Type', 'application/json']],
          body: Buffer.concat([Buffer.from(before), INVALID_UTF8_NAME, Buffer.from(after)]),
        }),
      expect: [400],
      check: (_res, _sess, upstream) =>
        expect(
          upstream
            .filter((r) => requestText(r).includes('bad-utf8-\uFFFD'))
            .map((r) => `${r.provider} ${r.method} ${r.url}`),
        ).toEqual([]),
    },
  ];
}

hostileBatch('malformed JSON', WITH_CREATE.flatMap(jsonCases), () => s);
hostileBatch('invalid UTF-8 in valid JSON', WITH_CREATE.flatMap(invalidUtf8Cases), () => s);
hostileBatch('prototype pollution attempts', WITH_CREATE.flatMap(pollutionCases), () => s);
