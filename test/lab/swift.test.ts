import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { startLabProxy, type LabProxy } from '../support/lab';
import { proxyLogin, requireLabSwift, swiftCli, flushSwift, type SwiftCli } from './swift-support';

// Debian's swift CLI against the proxy in front of the lab's real Swift clusters.
jest.setTimeout(300_000);
let p: LabProxy;
let cli: SwiftCli;
let auth: { token: string; account: string };
const id = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const C = `ocxcli-${id}`;
const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');

beforeAll(async () => {
  await requireLabSwift();
  p = await startLabProxy();
  cli = swiftCli(p);
  auth = await proxyLogin(p);
  mkdirSync(path.join(cli.dir, 'dir', 'sub'), { recursive: true });
  writeFileSync(path.join(cli.dir, 'home.txt'), 'stored at home\n');
  writeFileSync(path.join(cli.dir, 'bu.txt'), 'stored at bu-keystone\n');
  writeFileSync(path.join(cli.dir, 'dir', 'a.txt'), 'a');
  writeFileSync(path.join(cli.dir, 'dir', 'sub', 'b.txt'), 'b');
  writeFileSync(path.join(cli.dir, 'big.bin'), randomBytes(3 * 1024 * 1024 + 17));
});
afterAll(async () => {
  if (cli) {
    for (const c of [C, `${C}_segments`, `${C}-copy`]) await cli.run('delete', c);
  }
  await p?.close();
});

const head = (pathPart: string) =>
  request(p.server).head(`${auth.account}/${pathPart}`).set('x-auth-token', auth.token);

describe('swift CLI through the proxy: one account over two clusters', () => {
  it('upload goes to home by default and to bu-keystone with @bu-keystone', async () => {
    await cli.ok('upload', C, 'home.txt', 'dir');
    await cli.ok('upload', `${C}@bu-keystone`, 'bu.txt');
    expect((await head(`${C}/home.txt`)).headers['x-ocx-provider']).toBe('home');
    expect((await head(`${C}/bu.txt`)).headers['x-ocx-provider']).toBe('bu-keystone');
    expect((await head(C)).headers['x-ocx-provider']).toBe('home,bu-keystone');
  });

  it('list shows the union container once, and its objects from both clusters', async () => {
    const containers = (await cli.ok('list')).split('\n');
    expect(containers.filter((c) => c === C)).toHaveLength(1);
    expect((await cli.ok('list', C)).split('\n').filter(Boolean)).toEqual([
      'bu.txt',
      'dir/a.txt',
      'dir/sub/b.txt',
      'home.txt',
    ]);
    expect((await cli.ok('list', C, '--prefix', 'dir/', '--delimiter', '/')).split('\n').filter(Boolean)).toEqual([
      'dir/a.txt',
      'dir/sub/',
    ]);
  });

  it('stat sees one account and sums the union container', async () => {
    const account = await cli.ok('stat');
    expect(account).toMatch(new RegExp(`Account: ${auth.account.split('/').pop() as string}`));
    const container = await cli.ok('stat', C);
    expect(container).toMatch(/Objects: 4/);
    const object = await cli.ok('stat', C, 'bu.txt');
    expect(object).toMatch(/Content Length: 22/);
  });

  it('download gets the bytes back from either cluster', async () => {
    await cli.ok('download', C, 'bu.txt', 'home.txt', '-D', 'out');
    expect(readFileSync(path.join(cli.dir, 'out', 'bu.txt'), 'utf8')).toBe('stored at bu-keystone\n');
    expect(readFileSync(path.join(cli.dir, 'out', 'home.txt'), 'utf8')).toBe('stored at home\n');
  });

  it('post sets metadata where the object lives', async () => {
    await cli.ok('post', '-m', 'color:blue', C, 'bu.txt');
    expect(await cli.ok('stat', C, 'bu.txt')).toMatch(/Meta Color: blue/);
  });

  it('copy across clusters', async () => {
    await cli.ok('post', `${C}-copy@bu-keystone`);
    await cli.ok('copy', '-d', `/${C}-copy/from-home.txt`, C, 'home.txt');
    expect((await head(`${C}-copy/from-home.txt`)).headers['x-ocx-provider']).toBe('bu-keystone');
    await cli.ok('download', `${C}-copy`, 'from-home.txt', '-o', 'copied.txt');
    expect(readFileSync(path.join(cli.dir, 'copied.txt'), 'utf8')).toBe('stored at home\n');
  });

  it.each([
    ['DLO', []],
    ['SLO', ['--use-slo']],
  ])('upload --segment-size (%s) and download', async (kind, extra) => {
    const name = `big-${kind}.bin`;
    const body = readFileSync(path.join(cli.dir, 'big.bin'));
    writeFileSync(path.join(cli.dir, name), body);
    await cli.ok('upload', '--segment-size', '1048576', ...extra, C, name);
    const stat = await cli.ok('stat', C, name);
    expect(stat).toMatch(kind === 'SLO' ? /Static-Large-Object|Manifest/i : /Manifest: /);
    await cli.ok('download', C, name, '-o', `${name}.out`);
    expect(md5(readFileSync(path.join(cli.dir, `${name}.out`)))).toBe(md5(body));
    const segments = (await cli.ok('list', `${C}_segments`)).split('\n').filter(Boolean);
    expect(segments.length).toBeGreaterThanOrEqual(4);
  });

  it('names Swift allows pass verbatim, ".." included', async () => {
    for (const name of ['..', 'a/../b', './x', 'x%2Fy', 'sp ace/ü🐈']) {
      const url = `${auth.account}/${C}/${name.split('/').map(encodeURIComponent).join('/')}`;
      const put = await request(p.server).put(url).set('x-auth-token', auth.token).send(`is ${name}`);
      expect(put.status).toBe(201);
      const get = await request(p.server).get(url).set('x-auth-token', auth.token).buffer(true);
      expect(get.status).toBe(200);
    }
    const listed = (await cli.ok('list', C, '--prefix', '.')).split('\n').filter(Boolean);
    expect(listed).toEqual(['..', './x']);
    // python-requests (the CLI's HTTP library) itself collapses dot segments, so these go by direct DELETE.
    for (const name of ['..', 'a/../b', './x']) {
      const url = `${auth.account}/${C}/${name.split('/').map(encodeURIComponent).join('/')}`;
      expect((await request(p.server).delete(url).set('x-auth-token', auth.token)).status).toBe(204);
    }
  });

  it('delete removes objects, manifests with their segments, and the containers', async () => {
    await cli.ok('delete', C, 'home.txt');
    expect((await head(`${C}/home.txt`)).status).toBe(404);
    await cli.ok('delete', C);
    await cli.ok('delete', `${C}_segments`);
    await flushSwift();
    const containers = (await cli.ok('list')).split('\n');
    expect(containers).not.toContain(C);
    expect((await head(C)).status).toBe(404);
  });
});
