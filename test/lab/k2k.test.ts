import { execFile, execSync } from 'node:child_process';
import { promisify } from 'node:util';
import request from 'supertest';
import { authenticate } from '../../src/identity/caller';
import { keystoneLogin, labInfo, metricValue, startLabProxy, LAB_DIR, type LabProxy } from '../support/lab';
import { passwordAuth } from '../support/keystone-auth';

// Real home Keystone + real provider Keystone federated by K2K (deploy/lab/up.sh), proxy in process.
jest.setTimeout(120_000);
const lab = labInfo();
const bu = lab.providers['bu-keystone']!;
let p: LabProxy;

beforeAll(async () => {
  p = await startLabProxy({
    cache: { token_ttl: '3s', negative_ttl: '1s' },
    timeouts: { connect: '1s', response: '30s', request: '60s' },
  });
});
afterAll(() => p.close());

async function login(
  user = 'demo',
  password = 'demo-secret',
): Promise<{ token: string; body: { token: { project: { id: string } } } }> {
  const res = await request(p.server)
    .post('/identity/v3/auth/tokens')
    .send(passwordAuth(user, password, 'demo'));
  expect(res.status).toBe(201);
  return { token: res.headers['x-subject-token'] as string, body: res.body };
}

const projectsAt = (token: string, provider?: string) => {
  const r = request(p.server).get('/identity/v3/auth/projects').set('x-auth-token', token);
  return provider ? r.set('x-ocx-provider', provider) : r;
};
const exchanges = () => metricValue(p.proxy, 'ocx_k2k_exchanges_total', { provider: 'bu-keystone', result: 'ok' });

describe('K2K against real Keystone', () => {
  it('a password login through the proxy, then the provider projects of the federated user', async () => {
    const { token } = await login();
    const res = await projectsAt(token, 'bu-keystone');
    expect(res.status).toBe(200);
    expect(res.headers['x-ocx-provider']).toBe('bu-keystone');
    const names = (res.body.projects as Array<{ name: string }>).map((x) => x.name).sort();
    expect(names).toEqual(['demo', 'shared']);
    expect(res.text).not.toContain(bu.keystone);
    const home = await projectsAt(token);
    expect((home.body.projects as Array<{ name: string }>).map((x) => x.name)).toEqual(['demo']);
  });

  it('50 concurrent requests cause exactly one K2K exchange', async () => {
    const { token } = await login('demo2', 'demo2-secret');
    const before = await exchanges();
    const results = await Promise.all(Array.from({ length: 50 }, () => projectsAt(token, 'bu-keystone')));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect((await exchanges()) - before).toBe(1);
  });

  it('after the provider token is revoked at the provider, the next request succeeds after one fresh exchange', async () => {
    const { token } = await login();
    expect((await projectsAt(token, 'bu-keystone')).status).toBe(200);
    // The exact provider token the proxy holds for this caller, revoked by the provider's admin.
    const caller = await authenticate({ 'x-auth-token': token }, p.proxy.deps.validator);
    const session = await p.proxy.deps.sessions.get(caller, 'bu-keystone');
    const admin = await keystoneLogin(bu.keystone, 'admin', bu.admin_password, 'admin');
    const revoke = await fetch(`${bu.keystone}/v3/auth/tokens`, {
      method: 'DELETE',
      headers: { 'x-auth-token': admin.token, 'x-subject-token': session.token },
    });
    expect(revoke.status).toBe(204);
    const before = await exchanges();
    const res = await projectsAt(token, 'bu-keystone');
    expect(res.status).toBe(200);
    expect((await exchanges()) - before).toBe(1);
  });

  it('the home token revoked at home → 401 at home and at the provider (within cache.token_ttl)', async () => {
    const { token } = await login();
    expect((await projectsAt(token, 'bu-keystone')).status).toBe(200);
    const admin = await keystoneLogin(lab.home.keystone, 'admin', lab.home.admin_password, 'admin');
    const revoke = await fetch(`${lab.home.keystone}/v3/auth/tokens`, {
      method: 'DELETE',
      headers: { 'x-auth-token': admin.token, 'x-subject-token': token },
    });
    expect(revoke.status).toBe(204);
    await new Promise((r) => setTimeout(r, 3_500));
    const atBu = await projectsAt(token, 'bu-keystone');
    expect(atBu.status).toBe(401);
    expect(atBu.body.error.code).toBe(401);
    expect((await projectsAt(token)).status).toBe(401);
  });

  it('an unknown provider → 400 naming the known ones', async () => {
    const { token } = await login();
    const res = await projectsAt(token, 'mars');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(
      /Unknown provider "mars"\. Known providers: home, bu-keystone, lab-tempauth\./,
    );
  });

  it('the provider Keystone stopped → 503 in Keystone format for calls to it, home calls still work', async () => {
    // A second proxy with short timeouts, so a frozen provider is detected quickly.
    const quick = await startLabProxy({ timeouts: { connect: '1s', response: '3s', request: '10s' } });
    const via = (token: string, provider?: string) => {
      const r = request(quick.server).get('/identity/v3/auth/projects').set('x-auth-token', token);
      return provider ? r.set('x-ocx-provider', provider) : r;
    };
    const { token } = await login();
    expect((await via(token, 'bu-keystone')).status).toBe(200);
    // Freeze the provider Keystone's WSGI daemon (the home one shares the Apache but not the daemon).
    const pids = execSync(`ps -eo pid=,args= | awk '$2 ~ /^keystone-bu-keys/ {print $1}'`)
      .toString()
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    expect(pids.length).toBeGreaterThan(0);
    execSync(`kill -STOP ${pids.join(' ')}`);
    try {
      const res = await via(token, 'bu-keystone');
      expect(res.status).toBe(503);
      expect(res.body.error).toMatchObject({ code: 503, title: 'Service Unavailable' });
      const home = await via(token);
      expect(home.status).toBe(200);
    } finally {
      execSync(`kill -CONT ${pids.join(' ')}`);
      await quick.close();
    }
  });

  it('no token issued during the run appears in the proxy logs', () => {
    const all = p.logs.join('');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toMatch(/gAAAAA[\w-]{20,}/);
  });
});

describe('the real openstack CLI through the lab proxy', () => {
  it('logs in and lists projects with --os-auth-url at the proxy', async () => {
    const { stdout } = await promisify(execFile)(
      '/usr/bin/openstack',
      ['--os-cloud', 'ocx', 'project', 'list', '--my-projects', '-f', 'json'],
      {
        env: { PATH: '/usr/bin:/bin', HOME: '/tmp', OS_CLIENT_CONFIG_FILE: `${LAB_DIR}/clouds.yaml` },
        timeout: 60_000,
      },
    );
    expect((JSON.parse(stdout) as Array<{ Name: string }>).map((x) => x.Name)).toContain('demo');
    const cat = await promisify(execFile)(
      '/usr/bin/openstack',
      ['--os-cloud', 'ocx', 'catalog', 'list', '-f', 'json'],
      {
        env: { PATH: '/usr/bin:/bin', HOME: '/tmp', OS_CLIENT_CONFIG_FILE: `${LAB_DIR}/clouds.yaml` },
        timeout: 60_000,
      },
    );
    const urls = cat.stdout.match(/https?:\/\/[^\s"\\]+/g) ?? [];
    expect(urls.length).toBeGreaterThan(0);
    for (const u of urls) expect(u.startsWith(lab.proxy)).toBe(true);
  });
});
