import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { labInfo, startLabProxy, type LabProxy } from '../support/lab';
import { requireLabSwift, swiftCli, type SwiftCli } from './swift-support';
import { passwordAuth } from '../support/keystone-auth';

// The lab's tempauth Swift (lab-tempauth) behind the proxy, used by two home projects: demo (tempauth account
// test) and other (account other), as deploy/lab/swift.sh and its merge into ocx.yaml set it up. Through the
// proxy, with Debian's swift CLI, neither sees, reads, overwrites or deletes the other's containers there.
jest.setTimeout(300_000);
const STATIC = 'lab-tempauth';
const id = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const C = `iso-${id}`;

/** `/usr/bin/swift` logged in through the proxy's Keystone as a lab user (Keystone v3). */
function cliAs(p: LabProxy, user: string, password: string, project: string): SwiftCli {
  return swiftCli(p, { user, password, project });
}

/** Container names in a tempauth account, asked of the lab Swift directly (not through the proxy). */
async function upstreamContainers(user: string, key: string): Promise<string[]> {
  const auth = await fetch('http://127.0.0.1:8083/auth/v1.0', { headers: { 'x-auth-user': user, 'x-auth-key': key } });
  expect(auth.status).toBe(200);
  const res = await fetch(`${auth.headers.get('x-storage-url') as string}?format=json`, {
    headers: { 'x-auth-token': auth.headers.get('x-auth-token') as string },
  });
  return res.status === 204 ? [] : ((await res.json()) as Array<{ name: string }>).map((c) => c.name);
}

let p: LabProxy;
let demo: SwiftCli;
let other: SwiftCli;
const users = () => Object.fromEntries(labInfo().users.map((u) => [u.name, u]));

beforeAll(async () => {
  await requireLabSwift();
  p = await startLabProxy();
  const accounts = p.proxy.deps.config.providers.find((x) => x.name === STATIC)?.objectStore?.accounts ?? {};
  // The lab maps both home projects, each to its own tempauth account.
  expect(Object.keys(accounts).sort()).toEqual(['demo', 'other']);
  const u = users();
  demo = cliAs(p, 'demo', u['demo']!.password, 'demo');
  other = cliAs(p, 'other', u['other']!.password, 'other');
  writeFileSync(path.join(demo.dir, 'salaries.csv'), 'alice,100000\n');
  writeFileSync(path.join(other.dir, 'salaries.csv'), 'alice,1\n');
  writeFileSync(path.join(other.dir, 'mine.txt'), 'other\n');
});
afterAll(async () => {
  if (demo) await demo.run('delete', `${C}@${STATIC}`);
  if (other) await other.run('delete', `${C}@${STATIC}`);
  await p?.close();
});

describe('two home projects at the lab tempauth Swift', () => {
  it('demo uploads into its own account there', async () => {
    await demo.ok('upload', `${C}@${STATIC}`, 'salaries.csv');
    expect((await demo.ok('list')).split('\n')).toContain(C);
    expect(await upstreamContainers('test:tester', 'testing')).toContain(C);
    expect(await upstreamContainers('other:proxy', 'other-proxy-key')).not.toContain(C);
  });

  it('other does not see demo’s container, and cannot read it', async () => {
    expect((await other.ok('list')).split('\n')).not.toContain(C);
    expect((await other.run('list', C)).code).not.toBe(0);
    expect((await other.run('stat', `${C}@${STATIC}`)).code).not.toBe(0);
    const dl = await other.run('download', `${C}@${STATIC}`, 'salaries.csv', '-o', 'stolen.csv');
    expect(dl.code).not.toBe(0);
  });

  it('other cannot overwrite or delete demo’s object', async () => {
    await other.run('delete', `${C}@${STATIC}`, 'salaries.csv');
    await other.run('post', '-m', 'owned:yes', `${C}@${STATIC}`, 'salaries.csv');
    await demo.ok('download', C, 'salaries.csv', '-o', 'back.csv');
    expect(readFileSync(path.join(demo.dir, 'back.csv'), 'utf8')).toBe('alice,100000\n');
    expect(await demo.ok('stat', C, 'salaries.csv')).not.toMatch(/Meta Owned/);
  });

  it('a same-named container of other’s lives in other’s own account', async () => {
    await other.ok('upload', `${C}@${STATIC}`, 'mine.txt', 'salaries.csv');
    expect((await other.ok('list', C)).split('\n').filter(Boolean)).toEqual(['mine.txt', 'salaries.csv']);
    expect((await demo.ok('list', C)).split('\n').filter(Boolean)).toEqual(['salaries.csv']);
    await demo.ok('download', C, 'salaries.csv', '-o', 'again.csv');
    expect(readFileSync(path.join(demo.dir, 'again.csv'), 'utf8')).toBe('alice,100000\n');
    expect(await upstreamContainers('other:proxy', 'other-proxy-key')).toContain(C);
    // other deleting its copy leaves demo's.
    await other.ok('delete', `${C}@${STATIC}`);
    expect((await demo.ok('list', C)).split('\n').filter(Boolean)).toEqual(['salaries.csv']);
  });

  it('a home project with no account there (admin) is not given one: a miss is 404, the listing whole', async () => {
    const login = await request(p.server)
      .post('/identity/v3/auth/tokens')
      .send(passwordAuth('admin', labInfo().home.admin_password, 'admin'));
    expect(login.status).toBe(201);
    const token = login.headers['x-subject-token'] as string;
    const account = `/object-store/v1/AUTH_${(login.body as { token: { project: { id: string } } }).token.project.id}`;
    const list = await request(p.server).get(`${account}?format=json`).set('x-auth-token', token);
    expect(list.status).toBe(200);
    expect((list.body as Array<{ name: string }>).map((c) => c.name)).not.toContain(C);
    expect(list.headers['x-ocx-partial']).toBeUndefined();
    const miss = await request(p.server).head(`${account}/${C}`).set('x-auth-token', token);
    expect(miss.status).toBe(404);
    expect((await request(p.server).get(`${account}/${C}@${STATIC}`).set('x-auth-token', token)).status).toBe(403);
  });
});
