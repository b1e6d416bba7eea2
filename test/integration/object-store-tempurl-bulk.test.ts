import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { containersAt, objectsAt, startSwiftHarness, type SwiftHarness } from './object-store-support';

// bulk_upload (extract-archive) through the proxy: the archive streams to the provider holding (or placing) the
// target container, which answers in Swift's format.

let s: SwiftHarness;
let root: string;
beforeAll(async () => {
  s = await startSwiftHarness(['home', 'bu-keystone']);
  root = s.account.replace('/object-store', '');
  // The providers' /info addresses come from a session's catalog (info.ts).
  expect((await s.req('HEAD', root)).status).toBe(204);
});
afterAll(() => s.close());

/** A ustar archive of small text files. */
function tar(files: Record<string, string>): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const h = Buffer.alloc(512);
    h.write(name, 0, 100);
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
    h.write(
      `${Math.floor(Date.now() / 1000)
        .toString(8)
        .padStart(11, '0')}\0`,
      136,
    );
    h.write('        ', 148);
    h.write('0', 156);
    h.write('ustar\0', 257);
    h.write('00', 263);
    const sum = h.reduce((a, b) => a + b, 0);
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  return Buffer.concat([...blocks, Buffer.alloc(1024)]);
}

describe('bulk_upload (extract-archive)', () => {
  it('is advertised in /info', async () => {
    const info = await request(s.h.server).get('/info');
    expect(info.body.bulk_upload).toEqual({ max_containers_per_extraction: 10000, max_failed_extractions: 1000 });
  });

  it('into a container held by bu-keystone: unpacked there, Swift’s summary relayed', async () => {
    expect((await s.req('PUT', `${root}/arch@bu-keystone`)).status).toBe(201);
    const res = await s
      .req('PUT', `${root}/arch?extract-archive=tar`)
      .set('content-type', 'application/x-tar')
      .send(tar({ 'a.txt': 'A', 'd/b.txt': 'B' }));
    expect(res.status).toBe(200);
    expect(res.text).toBe('Number Files Created: 2\nResponse Body: \nResponse Status: 201 Created\nErrors:\n');
    expect(res.headers['x-ocx-provider']).toBe('bu-keystone');
    expect(objectsAt(s, 'bu-keystone', 'arch')).toEqual(['a.txt', 'd/b.txt']);
    expect(containersAt(s, 'home')).not.toContain('arch');
    const got = await s.req('GET', `${root}/arch/d/b.txt`);
    expect(got.text).toBe('B');
  });

  it('tar.gz under a prefix, JSON summary', async () => {
    const res = await s
      .req('PUT', `${root}/arch/pre?extract-archive=tar.gz`)
      .set('accept', 'application/json')
      .send(gzipSync(tar({ 'c.txt': 'C' })));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ 'Number Files Created': 1, 'Response Status': '201 Created', Errors: [] });
    expect(objectsAt(s, 'bu-keystone', 'arch')).toContain('pre/c.txt');
  });

  it('at the account: containers named by the archive are placed by policy (home) and listed', async () => {
    const res = await s.req('PUT', `${root}?extract-archive=tar`).send(tar({ 'fresh/x.txt': 'X' }));
    expect(res.status).toBe(200);
    expect(res.headers['x-ocx-provider']).toBe('home');
    expect(objectsAt(s, 'home', 'fresh')).toEqual(['x.txt']);
    const listing = await s.req('GET', `${root}?format=json`);
    expect((listing.body as Array<{ name: string }>).map((c) => c.name)).toContain('fresh');
  });

  it('a new container named in the URL is placed and recorded there', async () => {
    const res = await s.req('PUT', `${root}/brandnew?extract-archive=tar`).send(tar({ 'y.txt': 'Y' }));
    expect(res.status).toBe(200);
    expect((await s.req('GET', `${root}/brandnew/y.txt`)).text).toBe('Y');
  });
});
