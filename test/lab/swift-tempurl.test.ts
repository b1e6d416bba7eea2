import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startLabProxy, type LabProxy } from '../support/lab';
import { proxyLogin, requireLabSwift, swiftCli, type SwiftCli } from './swift-support';

// TempURL through the proxy in front of the lab's real Swift clusters (docs/lab-swift.md "TempURL and FormPost"):
// the key set with the swift CLI through the proxy, URLs made by `swift tempurl` for the proxy's path, used
// without any token; the object at home or at bu-keystone, whose own tempurl middleware checks the URL the proxy
// signs again for it.
jest.setTimeout(300_000);
let p: LabProxy;
let cli: SwiftCli;
let root: string;
let token: string;
const id = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const C = `ocxtu-${id}`;
const KEY = `lab-key-${randomBytes(6).toString('hex')}`;

beforeAll(async () => {
  await requireLabSwift();
  p = await startLabProxy();
  cli = swiftCli(p);
  const login = await proxyLogin(p);
  root = login.account.replace('/object-store', '');
  token = login.token;
  writeFileSync(path.join(cli.dir, 'home.txt'), 'tempurl at home\n');
  writeFileSync(path.join(cli.dir, 'bu.txt'), 'tempurl at bu-keystone\n');
  await cli.ok('post', '-m', `Temp-URL-Key:${KEY}`);
  await cli.ok('upload', `${C}@home`, 'home.txt');
  await cli.ok('upload', `${C}-bu@bu-keystone`, 'bu.txt');
});
afterAll(async () => {
  if (cli) {
    await cli.run('post', '-m', 'Temp-URL-Key:');
    for (const c of [C, `${C}-bu`, `${C}-tar`]) await cli.run('delete', c);
  }
  await p?.close();
});

async function tempurl(method: string, objectPath: string, key = KEY, ...flags: string[]): Promise<string> {
  return (await cli.ok('tempurl', ...flags, method, '300', objectPath, key)).trim();
}

describe('TempURL through the proxy against real Swift', () => {
  it('/info lists tempurl as the clusters do', async () => {
    const info = (await (await fetch(`${p.url}/info`)).json()) as { tempurl?: { methods: string[] } };
    expect(info.tempurl?.methods).toEqual(['GET', 'HEAD', 'PUT', 'POST', 'DELETE']);
  });

  it('a GET URL from `swift tempurl` works for an object at home and one at bu-keystone', async () => {
    const home = await fetch(`${p.url}${await tempurl('GET', `${root}/${C}/home.txt`)}`);
    expect(home.status).toBe(200);
    expect(await home.text()).toBe('tempurl at home\n');
    expect(home.headers.get('x-ocx-provider')).toBe('home');
    // Swift's tempurl middleware at the provider sets these: the provider checked the URL itself.
    expect(home.headers.get('content-disposition')).toContain('home.txt');
    expect(home.headers.get('expires')).toBeTruthy();
    const bu = await fetch(`${p.url}${await tempurl('GET', `${root}/${C}-bu/bu.txt`)}`);
    expect(bu.status).toBe(200);
    expect(await bu.text()).toBe('tempurl at bu-keystone\n');
    expect(bu.headers.get('x-ocx-provider')).toBe('bu-keystone');
  });

  it('a PUT URL uploads to bu-keystone, a prefix-based ISO-8601 URL reads it', async () => {
    const put = await fetch(`${p.url}${await tempurl('PUT', `${root}/${C}-bu/up/new.txt`)}`, {
      method: 'PUT',
      body: 'put by tempurl',
    });
    expect(put.status).toBe(201);
    const url = await tempurl('GET', `${root}/${C}-bu/up/`, KEY, '--prefix-based', '--iso8601');
    const got = await fetch(`${p.url}${url.replace(/\?/, 'new.txt?')}`);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe('put by tempurl');
    expect(got.headers.get('x-ocx-provider')).toBe('bu-keystone');
  });

  it('refused as Swift refuses: wrong key, other method, other object, expired', async () => {
    const wrong = await fetch(`${p.url}${await tempurl('GET', `${root}/${C}-bu/bu.txt`, 'not-the-key')}`);
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toBe('401 Unauthorized: Temp URL invalid\n');
    const getUrl = await tempurl('GET', `${root}/${C}-bu/bu.txt`);
    expect((await fetch(`${p.url}${getUrl}`, { method: 'DELETE' })).status).toBe(401);
    expect((await fetch(`${p.url}${getUrl.replace('bu.txt', 'up/new.txt')}`)).status).toBe(401);
    const past = (await cli.ok('tempurl', '--absolute', 'GET', '1000000000', `${root}/${C}-bu/bu.txt`, KEY)).trim();
    expect((await fetch(`${p.url}${past}`)).status).toBe(401);
  });

  it('after the key is removed through the proxy, its URLs stop working at both clusters', async () => {
    const home = await tempurl('GET', `${root}/${C}/home.txt`);
    const bu = await tempurl('GET', `${root}/${C}-bu/bu.txt`);
    expect((await fetch(`${p.url}${bu}`)).status).toBe(200);
    await cli.ok('post', '-m', 'Temp-URL-Key:');
    expect((await fetch(`${p.url}${home}`)).status).toBe(401);
    expect((await fetch(`${p.url}${bu}`)).status).toBe(401);
  });
});

describe('bulk_upload (extract-archive) through the proxy against real Swift', () => {
  it('a tar.bz2 into a bu-keystone container is unpacked there; an account-level tar.gz lands at home', async () => {
    mkdirSync(path.join(cli.dir, 'arch', 'd'), { recursive: true });
    writeFileSync(path.join(cli.dir, 'arch', 'one.txt'), '1');
    writeFileSync(path.join(cli.dir, 'arch', 'd', 'two.txt'), '2');
    execFileSync('tar', ['-cjf', 'a.tar.bz2', '-C', 'arch', 'one.txt', 'd'], { cwd: cli.dir });
    const put = await fetch(`${p.url}${root}/${C}-bu?extract-archive=tar.bz2`, {
      method: 'PUT',
      headers: { 'x-auth-token': token, accept: 'application/json' },
      body: readFileSync(path.join(cli.dir, 'a.tar.bz2')),
    });
    expect(put.status).toBe(200);
    expect(put.headers.get('x-ocx-provider')).toBe('bu-keystone');
    expect(await put.json()).toMatchObject({ 'Number Files Created': 2, 'Response Status': '201 Created', Errors: [] });
    const listed = (await cli.ok('list', `${C}-bu@bu-keystone`)).split('\n');
    expect(listed).toEqual(expect.arrayContaining(['d/two.txt', 'one.txt']));

    mkdirSync(path.join(cli.dir, 'acct', `${C}-tar`), { recursive: true });
    writeFileSync(path.join(cli.dir, 'acct', `${C}-tar`, 'three.txt'), '3');
    execFileSync('tar', ['-czf', 'b.tar.gz', '-C', 'acct', `${C}-tar`], { cwd: cli.dir });
    const acct = await fetch(`${p.url}${root}?extract-archive=tar.gz`, {
      method: 'PUT',
      headers: { 'x-auth-token': token },
      body: readFileSync(path.join(cli.dir, 'b.tar.gz')),
    });
    expect(acct.status).toBe(200);
    expect(await acct.text()).toContain('Number Files Created: 1\n');
    expect((await cli.ok('list', `${C}-tar`)).trim()).toBe('three.txt');
  });
});
