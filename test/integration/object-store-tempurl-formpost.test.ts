import { createHmac } from 'node:crypto';
import request from 'supertest';
import { objectsAt, startSwiftHarness, type SwiftHarness } from './object-store-support';

// FormPost through the proxy (docs/lab-swift.md "TempURL and FormPost"): a form signed for the proxy's path with
// a key set through the proxy, checked by the proxy, signed again for the provider holding the container, the
// body streamed on.

let s: SwiftHarness;
let root: string;
const KEY = 'form-key';
const BOUNDARY = '----ocxformboundary';

beforeAll(async () => {
  s = await startSwiftHarness(['home', 'bu-keystone']);
  root = s.account.replace('/object-store', '');
  expect((await s.req('POST', root).set('x-account-meta-temp-url-key', KEY)).status).toBe(204);
  expect((await s.req('PUT', `${root}/forms@bu-keystone`)).status).toBe(201);
});
afterAll(() => s.close());

interface Form {
  path: string;
  redirect?: string;
  maxFileSize?: number;
  maxFileCount?: number;
  expires?: number;
  key?: string;
  signature?: string;
  files: Record<string, string>;
}

function formBody(f: Form): { body: Buffer; signature: string } {
  const expires = f.expires ?? Math.floor(Date.now() / 1000) + 300;
  const fields: Record<string, string> = {
    redirect: f.redirect ?? '',
    max_file_size: String(f.maxFileSize ?? 1024),
    max_file_count: String(f.maxFileCount ?? 5),
    expires: String(expires),
  };
  const hmacBody = [f.path, fields['redirect'], fields['max_file_size'], fields['max_file_count'], fields['expires']];
  const signature =
    f.signature ??
    createHmac('sha256', f.key ?? KEY)
      .update(hmacBody.join('\n'))
      .digest('hex');
  fields['signature'] = signature;
  let out = '';
  for (const [k, v] of Object.entries(fields)) {
    out += `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
  }
  for (const [name, text] of Object.entries(f.files)) {
    out += `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/plain\r\n\r\n${text}\r\n`;
  }
  out += `--${BOUNDARY}--\r\n`;
  return { body: Buffer.from(out), signature };
}

function post(path: string, body: Buffer): request.Test {
  return request(s.h.server).post(path).set('content-type', `multipart/form-data; boundary=${BOUNDARY}`).send(body);
}

describe('FormPost through the proxy', () => {
  it('is advertised in /info', async () => {
    const info = await request(s.h.server).get('/info');
    expect(info.body.formpost).toEqual({ allowed_digests: ['sha1', 'sha256', 'sha512'] });
  });

  it('stores the form’s files at the provider holding the container; the client’s signature stays at the proxy', async () => {
    const path = `${root}/forms/up-`;
    const { body, signature } = formBody({ path, files: { 'a.txt': 'AAA', 'b.txt': 'BB' } });
    const res = await post(path, body);
    expect(res.status).toBe(201);
    expect(res.text).toBe('201 Created');
    expect(res.headers['x-ocx-provider']).toBe('bu-keystone');
    expect(objectsAt(s, 'bu-keystone', 'forms')).toEqual(['up-a.txt', 'up-b.txt']);
    const seen = s.swiftAt('bu-keystone').requests.at(-1);
    expect(seen?.path).toBe(`/object-store/v1/AUTH_${s.projectAt('bu-keystone')}/forms/up-`);
    expect(String(seen?.body)).not.toContain(signature);
    expect(seen?.headers['x-auth-token']).toBeUndefined();
  });

  it('a redirect gets Swift’s 303 with status and message', async () => {
    const path = `${root}/forms/`;
    const { body } = formBody({ path, redirect: 'https://example.com/done', files: { 'c.txt': 'C' } });
    const res = await post(path, body);
    expect(res.status).toBe(303);
    expect(res.headers['location']).toBe('https://example.com/done?status=201&message=');
    expect(objectsAt(s, 'bu-keystone', 'forms')).toContain('c.txt');
  });

  it('refused with Swift’s 401: wrong key, expired, another path, a changed max_file_size', async () => {
    const path = `${root}/forms/`;
    const before = s.swiftAt('bu-keystone').requests.length;
    const wrong = await post(path, formBody({ path, key: 'nope', files: { 'x.txt': 'x' } }).body);
    expect(wrong.status).toBe(401);
    expect(wrong.text).toBe('FormPost: Invalid Signature');
    const expired = await post(path, formBody({ path, expires: 1000, files: { 'x.txt': 'x' } }).body);
    expect(expired.status).toBe(401);
    expect(expired.text).toBe('FormPost: Form Expired');
    const other = await post(`${root}/forms/elsewhere-`, formBody({ path, files: { 'x.txt': 'x' } }).body);
    expect(other.status).toBe(401);
    const good = formBody({ path, files: { 'x.txt': 'x' } });
    const tampered = Buffer.from(
      good.body.toString().replace('name="max_file_size"\r\n\r\n1024', 'name="max_file_size"\r\n\r\n9999'),
    );
    expect((await post(path, tampered)).status).toBe(401);
    expect(s.swiftAt('bu-keystone').requests.length).toBe(before);
    expect(objectsAt(s, 'bu-keystone', 'forms')).not.toContain('x.txt');
  });

  it('a form without files is Swift’s 400', async () => {
    const body = Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="redirect"\r\n\r\n\r\n--${BOUNDARY}--\r\n`,
    );
    const res = await post(`${root}/forms/`, body);
    expect(res.status).toBe(400);
    expect(res.text).toBe('400 Bad Request\r\nFormPost: No Files To Process');
  });
});
