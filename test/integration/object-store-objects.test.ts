import { createHash, randomBytes } from 'node:crypto';
import { binary, objectsAt, startSwiftHarness, type SwiftHarness } from './object-store-support';

let s: SwiftHarness;
beforeAll(async () => {
  s = await startSwiftHarness();
  expect((await s.req('PUT', 'docs@bu-keystone')).status).toBe(201);
});
afterAll(() => s.close());

/** The body of a GET as text, whatever its content type. */
async function text(path: string): Promise<string> {
  const res = await s.req('GET', path).buffer(true).parse(binary);
  expect(res.status).toBe(200);
  return (res.body as Buffer).toString('utf8');
}

const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');

describe('objects stream both ways', () => {
  const body = randomBytes(6 * 1024 * 1024 + 123);

  it('PUT and GET a multi-MB object, byte for byte', async () => {
    const put = await s.req('PUT', 'docs/big.bin').set('content-type', 'application/octet-stream').send(body);
    expect(put.status).toBe(201);
    expect(put.headers['etag']).toBe(md5(body));
    expect(put.headers['x-ocx-provider']).toBe('bu-keystone');
    const get = await s.req('GET', 'docs/big.bin').buffer(true).parse(binary);
    expect(get.status).toBe(200);
    expect(get.headers['content-length']).toBe(String(body.length));
    expect(md5(get.body as Buffer)).toBe(md5(body));
  });

  it('Range and conditional requests pass through', async () => {
    const range = await s.req('GET', 'docs/big.bin').set('range', 'bytes=100-199').buffer(true).parse(binary);
    expect(range.status).toBe(206);
    expect(range.headers['content-range']).toBe(`bytes 100-199/${body.length}`);
    expect((range.body as Buffer).equals(body.subarray(100, 200))).toBe(true);
    const notModified = await s.req('GET', 'docs/big.bin').set('if-none-match', md5(body));
    expect(notModified.status).toBe(304);
    const failed = await s.req('GET', 'docs/big.bin').set('if-match', 'nope');
    expect(failed.status).toBe(412);
    const head = await s.req('HEAD', 'docs/big.bin');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(body.length));
  });

  it("a missing object is Swift's own 404 page", async () => {
    const res = await s.req('GET', 'docs/missing');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('<h1>Not Found</h1>');
    const nowhere = await s.req('GET', 'no-such-container/x');
    expect(nowhere.status).toBe(404);
    expect(nowhere.text).toBe('<html><h1>Not Found</h1><p>The resource could not be found.</p></html>');
  });

  it('metadata POST and X-Delete-After reach the provider', async () => {
    expect((await s.req('PUT', 'docs/tmp.txt').set('x-delete-after', '3600').send('t')).status).toBe(201);
    const put = s.swiftAt('bu-keystone').requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/docs/tmp.txt'));
    expect(put[0]?.headers['x-delete-after']).toBe('3600');
    expect((await s.req('POST', 'docs/tmp.txt').set('x-object-meta-color', 'green')).status).toBe(202);
    expect((await s.req('HEAD', 'docs/tmp.txt')).headers['x-object-meta-color']).toBe('green');
  });
});

describe('names pass verbatim', () => {
  // ('..' and './x' are covered against real Swift in test/lab: the demo fake splits the path before decoding it.)
  it.each(['a/../b', 'x%2Fy', 'dir//twice', '/lead', 'ünï 🐈 & ? #'])('%j', async (name) => {
    const path = `docs/${name.split('/').map(encodeURIComponent).join('/')}`;
    expect((await s.req('PUT', path).send(`body of ${name}`)).status).toBe(201);
    expect(objectsAt(s, 'bu-keystone', 'docs')).toContain(name);
    expect(await text(path)).toBe(`body of ${name}`);
  });
});

describe('a union container routes each object to its holder', () => {
  it('reads from the first provider (in priority) that has the object', async () => {
    const readme = await s.req('GET', 'photos/readme.txt');
    expect(readme.text).toBe('photos at home');
    expect(readme.headers['x-ocx-provider']).toBe('home');
    const cat = await s.req('GET', 'photos/nu-keystone/cat.jpg');
    expect(cat.text).toBe('cat@nu-keystone');
    expect(cat.headers['x-ocx-provider']).toBe('nu-keystone');
  });

  it('writes where the object is, else at the container placement', async () => {
    const over = await s.req('PUT', 'photos/bu-keystone/dog.jpg').send('new dog');
    expect(over.headers['x-ocx-provider']).toBe('bu-keystone');
    const fresh = await s.req('PUT', 'photos/fresh.jpg').send('fresh');
    expect(fresh.headers['x-ocx-provider']).toBe('home');
    expect(objectsAt(s, 'home', 'photos')).toContain('fresh.jpg');
  });

  it('DELETE removes the name from every holder', async () => {
    const res = await s.req('DELETE', 'photos/readme.txt');
    expect(res.status).toBe(204);
    for (const p of ['home', 'bu-keystone', 'nu-keystone'])
      expect(objectsAt(s, p, 'photos')).not.toContain('readme.txt');
    expect((await s.req('GET', 'photos/readme.txt')).status).toBe(404);
  });
});

describe('copies', () => {
  it('within one provider: the provider copies, names without @provider', async () => {
    const res = await s.req('PUT', 'backups/copy.txt').set('x-copy-from', 'backups@home/a.txt');
    expect(res.status).toBe(201);
    const seen = s.swiftAt('home').requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/backups/copy.txt'));
    expect(seen[0]?.headers['x-copy-from']).toBe('/backups/a.txt');
    expect((await s.req('GET', 'backups/copy.txt')).text).toBe('a');
  });

  it('across providers: streams GET into PUT, with the source metadata', async () => {
    await s.req('POST', 'backups/b/c.txt').set('x-object-meta-origin', 'home');
    const res = await s
      .req('PUT', 'docs/c-copy.txt')
      .set('x-copy-from', '/backups/b/c.txt')
      .set('x-object-meta-extra', '1');
    expect(res.status).toBe(201);
    expect(res.headers['x-copied-from']).toBe('backups/b/c.txt');
    expect(res.headers['x-ocx-provider']).toBe('bu-keystone');
    const put = s
      .swiftAt('bu-keystone')
      .requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/docs/c-copy.txt'));
    expect(put[0]?.headers['x-copy-from']).toBeUndefined();
    expect((put[0]?.body as Buffer).toString()).toBe('bc');
    const head = await s.req('HEAD', 'docs/c-copy.txt');
    expect(head.headers['x-object-meta-origin']).toBe('home');
    expect(head.headers['x-object-meta-extra']).toBe('1');
  });

  it('COPY with Destination, across providers', async () => {
    const res = await s.req('COPY', 'docs/big.bin').set('destination', 'backups/big-copy.bin');
    expect(res.status).toBe(201);
    const head = await s.req('HEAD', 'backups/big-copy.bin');
    expect(head.headers['x-ocx-provider']).toBe('home');
    expect(head.headers['etag']).toBe((await s.req('HEAD', 'docs/big.bin')).headers['etag']);
  });

  it("a copy from another account is home's Swift's to allow (never another provider's), the header as sent", async () => {
    const res = await s
      .req('PUT', 'docs/x')
      .set('x-copy-from', 'backups/a.txt')
      .set('x-copy-from-account', 'AUTH_other');
    expect(res.status).toBeGreaterThanOrEqual(400);
    const seen = (p: string): Array<{ headers: Record<string, unknown> }> =>
      s.h.demo.providers[p]!.objectStore.requests.filter(
        (r) => (r.headers as Record<string, unknown>)['x-copy-from-account'] !== undefined,
      ) as unknown as Array<{ headers: Record<string, unknown> }>;
    expect(seen('home').map((r) => r.headers['x-copy-from-account'])).toEqual(['AUTH_other']);
    expect(seen('bu-keystone')).toEqual([]);
    expect(seen('nu-keystone')).toEqual([]);
  });
});

describe('large objects', () => {
  it('SLO: manifest and segments at one provider, @provider stripped from segment paths', async () => {
    expect((await s.req('PUT', 'docs_segments')).status).toBe(201);
    const seg1 = Buffer.from('hello ');
    const seg2 = Buffer.from('world');
    await s.req('PUT', 'docs_segments/s1').send(seg1);
    await s.req('PUT', 'docs_segments/s2').send(seg2);
    const manifest = [
      { path: '/docs_segments@bu-keystone/s1', etag: md5(seg1), size_bytes: seg1.length },
      { path: '/docs_segments/s2', etag: md5(seg2), size_bytes: seg2.length },
    ];
    const put = await s.req('PUT', 'docs/slo?multipart-manifest=put').send(JSON.stringify(manifest));
    expect(put.status).toBe(201);
    const seen = s.swiftAt('bu-keystone').requests.filter((r) => r.path.endsWith('/docs/slo') && r.method === 'PUT');
    expect(String(seen[0]?.body)).not.toContain('@bu-keystone');
    expect(await text('docs/slo')).toBe('hello world');
  });

  it('SLO segments at another provider are refused with a 400 that says why', async () => {
    const manifest = [{ path: '/backups/a.txt', size_bytes: 1 }];
    const put = await s.req('PUT', 'docs/bad-slo?multipart-manifest=put').send(JSON.stringify(manifest));
    expect(put.status).toBe(400);
    expect(put.text).toContain('same provider');
  });

  it('DLO: X-Object-Manifest at the segments provider', async () => {
    await s.req('PUT', 'docs_segments/dlo/001').send('abc');
    await s.req('PUT', 'docs_segments/dlo/002').send('def');
    const put = await s.req('PUT', 'docs/dlo').set('x-object-manifest', 'docs_segments@bu-keystone/dlo/').send('');
    expect(put.status).toBe(201);
    expect(await text('docs/dlo')).toBe('abcdef');
    expect((await s.req('HEAD', 'docs/dlo')).headers['x-object-manifest']).toBe('docs_segments/dlo/');
  });
});

describe('bulk delete', () => {
  it('deletes objects and containers wherever they are; answers like Swift', async () => {
    await s.req('PUT', 'bulk1@nu-keystone');
    await s.req('PUT', 'bulk1/o1').send('1');
    await s.req('PUT', 'docs/o2').send('2');
    const body = ['/bulk1/o1', '/docs/o2', '/docs/never-there', '/bulk1'].join('\n');
    const res = await s
      .req('POST', `${s.account}?bulk-delete`)
      .set('content-type', 'text/plain')
      .set('accept', 'application/json')
      .send(body);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({
      'Response Status': '200 OK',
      'Response Body': '',
      'Number Deleted': 3,
      'Number Not Found': 1,
      Errors: [],
    });
    expect(objectsAt(s, 'bu-keystone', 'docs')).not.toContain('o2');
    expect((await s.req('HEAD', 'bulk1')).status).toBe(404);
  });

  it('a non-empty container is reported, plain text by default', async () => {
    const res = await s.req('POST', `${s.account}?bulk-delete`).set('content-type', 'text/plain').send('/backups\n');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Response Status: 400 Bad Request');
    expect(res.text).toContain('/backups, 409 Conflict');
  });
});

describe("a union container's new object follows the object-store's own placement policy", () => {
  it('placement.services.object-store: bu-keystone puts it at bu-keystone although placement.policy is home', async () => {
    const t = await startSwiftHarness(['home', 'bu-keystone', 'nu-keystone'], {
      placement: { policy: 'home', services: { 'object-store': 'bu-keystone' } },
    });
    try {
      const res = await t.req('PUT', 'photos/fresh-by-policy.jpg').send('fresh');
      expect([res.status, res.headers['x-ocx-provider']]).toEqual([201, 'bu-keystone']);
      expect(objectsAt(t, 'bu-keystone', 'photos')).toContain('fresh-by-policy.jpg');
      expect(objectsAt(t, 'home', 'photos')).not.toContain('fresh-by-policy.jpg');
    } finally {
      await t.close();
    }
  });
});
