// FakeObjectStore answers like Swift (object-store api-ref): /info, tempauth, keystone accounts, account and
// container listings/counters, object PUT/GET/HEAD/POST/DELETE/COPY, ETag, Range, conditionals, manifests.
import { createHash } from 'node:crypto';
import type { DemoCloud } from '../../../src/demo/demo-cloud';
import { login, withCloud } from './demo-helpers';

let cloud: DemoCloud;
let base: string;
let account: string;
let token: string;
function swift(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Response> {
  // A Buffer body: fetch would label a string text/plain and hide Swift's own content-type guess.
  const payload = body === undefined ? undefined : Buffer.from(body);
  return fetch(`${account}${path}`, { method, headers: { 'x-auth-token': token, ...headers }, body: payload });
}
const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

beforeAll(async () => {
  cloud = await withCloud();
  const home = cloud.providers.home;
  base = home?.baseUrl ?? '';
  account = `${base}/object-store/v1/AUTH_${home?.projects.demo}`;
  token = (await login(`${base}/identity`, 'demo', 'demo-secret', 'demo')).token;
});
afterAll(() => cloud.stop());

describe('FakeObjectStore', () => {
  it('serves /info at the server root and under /object-store', async () => {
    for (const url of [`${base}/info`, `${base}/object-store/info`]) {
      const info = (await (await fetch(url)).json()) as { swift: { container_listing_limit: number }; slo: unknown };
      expect(info.swift.container_listing_limit).toBe(10000);
      expect(info.slo).toBeDefined();
    }
  });

  it('tempauth: /auth/v1.0 gives X-Auth-Token and X-Storage-Url; bad key 401', async () => {
    const res = await fetch(`${base}/object-store/auth/v1.0`, {
      headers: { 'x-auth-user': 'test:tester', 'x-auth-key': 'testing' },
    });
    expect(res.status).toBe(200);
    const url = res.headers.get('x-storage-url') ?? '';
    expect(url).toBe(`${base}/object-store/v1/AUTH_test`);
    const t = res.headers.get('x-auth-token') ?? '';
    expect(t).toMatch(/^AUTH_tk/);
    expect((await fetch(url, { method: 'HEAD', headers: { 'x-auth-token': t } })).status).toBe(204);
    const bad = await fetch(`${base}/object-store/auth/v1.0`, {
      headers: { 'x-auth-user': 'test:tester', 'x-auth-key': 'no' },
    });
    expect(bad.status).toBe(401);
  });

  it('keystone token: another project account is 403, no token 401', async () => {
    const other = cloud.providers.home?.projects.other;
    expect((await fetch(`${base}/object-store/v1/AUTH_${other}`, { headers: { 'x-auth-token': token } })).status).toBe(
      403,
    );
    expect((await fetch(account)).status).toBe(401);
  });

  it('account HEAD (204) sums counters; GET lists containers in json/xml/plain', async () => {
    const head = await swift('HEAD', '');
    expect(head.status).toBe(204);
    expect(head.headers.get('x-account-container-count')).toBe('2');
    expect(head.headers.get('x-account-object-count')).toBe('6');
    const json = (await (await swift('GET', '?format=json')).json()) as {
      name: string;
      count: number;
      bytes: number;
      last_modified: string;
    }[];
    expect(json.map((c) => c.name)).toEqual(['backups', 'photos']);
    expect(json[1]).toMatchObject({ name: 'photos', count: 3 });
    expect(json[1]?.last_modified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    const plain = await swift('GET', '');
    expect(plain.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await plain.text()).toBe('backups\nphotos\n');
    const xml = await swift('GET', '', { accept: 'application/xml' });
    expect(await xml.text()).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<account name="AUTH_/);
    expect((await swift('GET', '?limit=10001')).status).toBe(412);
  });

  it('container lifecycle: PUT 201/202, listing with delimiter, empty plain 204, DELETE 409 when non-empty', async () => {
    expect((await swift('PUT', '/work', { 'x-container-meta-color': 'blue' })).status).toBe(201);
    expect((await swift('PUT', '/work')).status).toBe(202);
    expect((await swift('GET', '/work')).status).toBe(204);
    expect(await (await swift('GET', '/work?format=json')).json()).toEqual([]);
    await swift('PUT', '/work/dir/one.txt', { 'content-type': 'text/plain' }, 'one');
    await swift('PUT', '/work/top.bin', {}, 'top');
    const head = await swift('HEAD', '/work');
    expect(head.status).toBe(204);
    expect(head.headers.get('x-container-object-count')).toBe('2');
    expect(head.headers.get('x-container-bytes-used')).toBe('6');
    expect(head.headers.get('x-container-meta-color')).toBe('blue');
    const rows = (await (await swift('GET', '/work?format=json&delimiter=/')).json()) as Record<string, unknown>[];
    expect(rows[0]).toEqual({ subdir: 'dir/' });
    expect(rows[1]).toMatchObject({
      name: 'top.bin',
      bytes: 3,
      hash: md5('top'),
      content_type: 'application/octet-stream',
    });
    expect((await swift('DELETE', '/work')).status).toBe(409);
    await swift('DELETE', '/work/dir/one.txt');
    await swift('DELETE', '/work/top.bin');
    expect((await swift('DELETE', '/work')).status).toBe(204);
    expect((await swift('DELETE', '/work')).status).toBe(404);
  });

  it('object PUT/GET with ETag, metadata, Range, conditionals, POST and COPY', async () => {
    await swift('PUT', '/objs');
    const put = await swift(
      'PUT',
      '/objs/hello.txt',
      { 'x-object-meta-owner': 'me', etag: md5('hello world') },
      'hello world',
    );
    expect(put.status).toBe(201);
    expect(put.headers.get('etag')).toBe(md5('hello world'));
    expect((await swift('PUT', '/objs/bad', { etag: md5('x') }, 'y')).status).toBe(422);
    expect((await swift('PUT', '/objs/hello.txt', { 'if-none-match': '*' }, 'again')).status).toBe(412);
    const got = await swift('GET', '/objs/hello.txt');
    expect(got.headers.get('content-type')).toBe('text/plain');
    expect(got.headers.get('x-object-meta-owner')).toBe('me');
    expect(got.headers.get('accept-ranges')).toBe('bytes');
    expect(await got.text()).toBe('hello world');
    const range = await swift('GET', '/objs/hello.txt', { range: 'bytes=6-' });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-range')).toBe('bytes 6-10/11');
    expect(await range.text()).toBe('world');
    expect((await swift('GET', '/objs/hello.txt', { range: 'bytes=50-' })).status).toBe(416);
    expect((await swift('GET', '/objs/hello.txt', { 'if-none-match': md5('hello world') })).status).toBe(304);
    expect((await swift('GET', '/objs/hello.txt', { 'if-match': '"nope"' })).status).toBe(412);
    expect((await swift('POST', '/objs/hello.txt', { 'x-object-meta-color': 'red' })).status).toBe(202);
    const head = await swift('HEAD', '/objs/hello.txt');
    expect(head.headers.get('x-object-meta-color')).toBe('red');
    expect(head.headers.get('x-object-meta-owner')).toBeNull();
    const copy = await swift('COPY', '/objs/hello.txt', { destination: 'objs/copy.txt', 'x-object-meta-extra': '1' });
    expect(copy.status).toBe(201);
    expect(copy.headers.get('x-copied-from')).toBe('objs/hello.txt');
    const copied = await swift('GET', '/objs/copy.txt');
    expect(await copied.text()).toBe('hello world');
    expect(copied.headers.get('x-object-meta-color')).toBe('red');
    expect(copied.headers.get('x-object-meta-extra')).toBe('1');
    expect((await swift('GET', '/objs/missing')).status).toBe(404);
    expect((await swift('PUT', '/nocontainer/x', {}, 'x')).status).toBe(404);
  });

  it('DLO and SLO manifests serve the concatenated segments with a quoted ETag', async () => {
    await swift('PUT', '/segs');
    await swift('PUT', '/segs/big/001', {}, 'aaa');
    await swift('PUT', '/segs/big/002', {}, 'bbb');
    await swift('PUT', '/segs/dlo', { 'x-object-manifest': 'segs/big/' }, '');
    const dlo = await swift('GET', '/segs/dlo');
    expect(await dlo.text()).toBe('aaabbb');
    expect(dlo.headers.get('etag')).toBe(`"${md5(md5('aaa') + md5('bbb'))}"`);
    const manifest = JSON.stringify([{ path: '/segs/big/002' }, { path: '/segs/big/001', etag: md5('aaa') }]);
    const put = await swift('PUT', '/segs/slo?multipart-manifest=put', {}, manifest);
    expect(put.status).toBe(201);
    const slo = await swift('GET', '/segs/slo');
    expect(await slo.text()).toBe('bbbaaa');
    expect(slo.headers.get('x-static-large-object')).toBe('True');
    const raw = (await (await swift('GET', '/segs/slo?multipart-manifest=get')).json()) as { name: string }[];
    expect(raw.map((s) => s.name)).toEqual(['/segs/big/002', '/segs/big/001']);
    const bad = await swift('PUT', '/segs/slo2?multipart-manifest=put', {}, JSON.stringify([{ path: '/segs/none' }]));
    expect(bad.status).toBe(400);
  });

  it('records requests including the token header', () => {
    const last = cloud.providers.home?.objectStore.requests.at(-1);
    expect(last?.method).toBe('PUT');
    expect(last?.headers['x-auth-token']).toBe(token);
  });
});

describe('FakeObjectStore byte fidelity', () => {
  it('stores a JSON-typed object byte for byte', async () => {
    await swift('PUT', '/raw');
    const text = '{ "a" :  1 }';
    const put = await swift('PUT', '/raw/doc.json', { 'content-type': 'application/json' }, text);
    expect(put.headers.get('etag')).toBe(md5(text));
    expect(await (await swift('GET', '/raw/doc.json')).text()).toBe(text);
  });
});
