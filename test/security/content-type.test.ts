import request from 'supertest';
import { WITH_CREATE, type FrontSpec } from './support/fronts';
import { authed, hostileBatch, startSession, type HostileCase, type Session } from './support/hostile-session';

// Wrong or missing content types. OpenStack APIs speak JSON: XML, forms, multipart and unlabelled
// text are refused (400, or 415 where the service checks the media type first), never a 5xx.

let s: Session;
/** A queued image at home: its data upload must be application/octet-stream. */
let queuedImage = '';
beforeAll(async () => {
  s = await startSession();
  const res = await request(s.h.server)
    .post('/image/v2/images')
    .set('x-auth-token', s.token)
    .send({ name: 'ct-target', disk_format: 'raw', container_format: 'bare' });
  queuedImage = (res.body as { id: string }).id;
});
afterAll(() => s.close());

const WRONG: Array<[string, Array<[string, string]>, string | Buffer]> = [
  ['application/xml', [['Content-Type', 'application/xml']], '<server><name>x</name></server>'],
  ['a form', [['Content-Type', 'application/x-www-form-urlencoded']], 'name=x&size=1'],
  [
    'multipart',
    [['Content-Type', 'multipart/form-data; boundary=zz']],
    '--zz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--zz--\r\n',
  ],
  ['text/plain prose', [['Content-Type', 'text/plain']], 'hello'],
  ['no content type, prose', [], 'hello'],
  ['application/json with XML', [['Content-Type', 'application/json']], '<?xml version="1.0"?><a/>'],
  ['unparseable content type', [['Content-Type', ';;;=;']], 'hello'],
  [
    'gzip garbage',
    [
      ['Content-Type', 'application/json'],
      ['Content-Encoding', 'gzip'],
    ],
    Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]),
  ],
  [
    'two content types',
    [
      ['Content-Type', 'application/json'],
      ['Content-Type', 'text/plain'],
    ],
    '{',
  ],
  ['image/png bytes', [['Content-Type', 'image/png']], Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
];

function contentTypeCases(front: FrontSpec): HostileCase[] {
  const create = front.create;
  if (!create) return [];
  return WRONG.map(([label, headers, body]) => ({
    name: `${front.name}: ${create.method ?? 'POST'} with ${label}`,
    request: (sess: Session) =>
      authed(sess, { method: create.method ?? 'POST', path: create.path(sess.ids), headers, body }),
    expect: front.mounted ? [400, 415] : [404],
  }));
}

/** Glance's image data is application/octet-stream only (415 otherwise), the opposite of every other call. */
const imageData: HostileCase[] = [
  ['application/json', '{"a":1}'],
  ['text/plain', 'raw bytes'],
  ['application/x-www-form-urlencoded', 'a=b'],
].map(([type, body]) => ({
  name: `image: PUT data as ${type} → 415`,
  request: (sess: Session) =>
    authed(sess, {
      method: 'PUT',
      path: `/image/v2/images/${queuedImage}/file`,
      headers: [['Content-Type', type as string]],
      body: body as string,
    }),
  expect: [415],
}));

hostileBatch('wrong or missing content types', [...WITH_CREATE.flatMap(contentTypeCases), ...imageData], () => s);
