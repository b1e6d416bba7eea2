import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { stringify } from 'yaml';
import { HOME_USERS } from '../../../src/demo/demo-identity';
import { startDemoCloud } from '../../../src/demo/demo-cloud';
import { passwordAuth, type Harness } from '../../support/harness';
import { startInstance } from '../../support/proxy-instance';

// A static-credential (tempauth) Swift provider must keep home projects apart: each home project reaches the
// provider through its own tempauth account, so no tenant can list, read, overwrite or delete another tenant's
// containers or objects there. A home project the operator did not map does not reach the provider at all
// (skipped like a provider that has nothing: 404 stays 404, listings are not partial). A config with one account
// for everybody only loads with an explicit `shared_account: true`.

const STATIC = 'static-swift';
/** The static provider is bu-keystone's Swift, reached with tempauth users instead of K2K. */
const AT = 'bu-keystone';
const USERS = {
  'tenant_demo:svc': 'demo-key',
  'tenant_other:svc': 'other-key',
  'test:tester': 'testing',
};

let h: Harness;
let demo: Login;
let other: Login;
let admin: Login;

interface Login {
  token: string;
  projectId: string;
  /** `/object-store/v1/AUTH_<home project id>` */
  account: string;
}

async function login(user: keyof typeof HOME_USERS): Promise<Login> {
  const [password, project] = HOME_USERS[user] as [string, string];
  const res = await request(h.server)
    .post('/identity/v3/auth/tokens')
    .send(passwordAuth(user, password, project));
  expect(res.status).toBe(201);
  const projectId = (res.body as { token: { project: { id: string } } }).token.project.id;
  return { token: res.headers['x-subject-token'] as string, projectId, account: `/object-store/v1/AUTH_${projectId}` };
}

function swift(who: Login, method: 'get' | 'put' | 'delete' | 'head' | 'post', rel: string): request.Test {
  const url = rel === '' ? who.account : `${who.account}/${rel}`;
  return request(h.server)[method](url).set('x-auth-token', who.token);
}

async function containerNames(who: Login, extra = ''): Promise<string[]> {
  const res = await swift(who, 'get', '').query(`format=json${extra}`);
  expect(res.status).toBe(200);
  expect(res.headers['x-ocx-partial']).toBeUndefined();
  return (res.body as Array<{ name: string }>).map((c) => c.name);
}

/** What the static provider's Swift itself holds, per upstream account. */
function upstreamContainers(account: string): string[] {
  const acct = h.demo.providers[AT]!.objectStore.accounts.get(account);
  return [...(acct?.containers.keys() ?? [])].sort();
}

beforeAll(async () => {
  h = await startWithStaticProvider();
  [demo, other, admin] = await Promise.all([login('demo'), login('other'), login('admin')]);
});
afterAll(() => h?.close());

/**
 * The demo cloud, and a proxy in front of it with the static provider: home project demo mapped by name, other by
 * id, admin not mapped.
 */
async function startWithStaticProvider(): Promise<Harness> {
  const cloud = await startDemoCloud({ providers: ['home', AT] });
  cloud.providers[AT]!.objectStore.options.tempauthUsers = USERS;
  const instance = await startInstance(
    {
      ...cloud.config,
      providers: {
        ...cloud.config.providers,
        [STATIC]: {
          priority: 3,
          object_store: {
            auth: 'tempauth',
            auth_url: `${cloud.providers[AT]!.baseUrl}/object-store/auth/v1.0`,
            accounts: {
              demo: { user: 'tenant_demo:svc', key: 'demo-key' },
              [cloud.providers['home']!.projects['other']!]: { user: 'tenant_other:svc', key: 'other-key' },
            },
          },
        },
      },
    },
    '(tempauth isolation)',
  );
  return {
    ...instance,
    demo: cloud,
    close: async () => {
      await instance.close();
      await cloud.stop();
    },
  };
}

describe('two home projects at one tempauth provider', () => {
  const C = `payroll@${STATIC}`;

  it('demo stores an object at the static provider', async () => {
    expect((await swift(demo, 'put', C)).status).toBe(201);
    const put = await swift(demo, 'put', `${C}/salaries.csv`).set('content-type', 'text/csv').send('alice,100000');
    expect(put.status).toBe(201);
    expect(await containerNames(demo)).toContain('payroll');
    expect((await swift(demo, 'get', 'payroll/salaries.csv')).text).toBe('alice,100000');
    // It landed in demo's own upstream account, nowhere else.
    expect(upstreamContainers('AUTH_tenant_demo')).toContain('payroll');
    expect(upstreamContainers('AUTH_tenant_other')).not.toContain('payroll');
    expect(upstreamContainers('AUTH_test')).toEqual([]);
  });

  it('other does not see demo’s container, neither merged nor at the provider', async () => {
    expect(await containerNames(other)).not.toContain('payroll');
    const head = await swift(other, 'head', C);
    expect(head.status).toBe(404);
    const at = await swift(other, 'get', '').query('format=json').set('x-ocx-provider', STATIC);
    expect(at.status === 200 || at.status === 204).toBe(true);
    expect(((at.body as Array<{ name: string }> | undefined) ?? []).map((c) => c.name)).not.toContain('payroll');
  });

  it('other cannot read demo’s object', async () => {
    expect((await swift(other, 'get', `${C}/salaries.csv`)).status).toBe(404);
    expect((await swift(other, 'get', 'payroll/salaries.csv')).status).toBe(404);
    expect((await swift(other, 'get', `${C}`)).status).toBe(404);
  });

  it('other cannot overwrite or delete demo’s object or container', async () => {
    const over = await swift(other, 'put', `${C}/salaries.csv`).set('content-type', 'text/csv').send('alice,1');
    expect(over.status).toBe(404);
    expect((await swift(other, 'delete', `${C}/salaries.csv`)).status).toBe(404);
    expect((await swift(other, 'post', `${C}/salaries.csv`).set('x-object-meta-owned', 'yes')).status).toBe(404);
    expect((await swift(other, 'delete', C)).status).toBe(404);
    const still = await swift(demo, 'get', `${C}/salaries.csv`);
    expect(still.status).toBe(200);
    expect(still.text).toBe('alice,100000');
    expect(still.headers['x-object-meta-owned']).toBeUndefined();
  });

  it('a same-named container of other’s is its own, in its own upstream account', async () => {
    expect((await swift(other, 'put', C)).status).toBe(201);
    expect((await swift(other, 'put', `${C}/mine.txt`).send('other')).status).toBe(201);
    const mine = await swift(other, 'get', C).query('format=json');
    expect((mine.body as Array<{ name: string }>).map((o) => o.name)).toEqual(['mine.txt']);
    const theirs = await swift(demo, 'get', C).query('format=json');
    expect((theirs.body as Array<{ name: string }>).map((o) => o.name)).toEqual(['salaries.csv']);
    expect(upstreamContainers('AUTH_tenant_other')).toEqual(['payroll']);
    // other deleting its own copy leaves demo's alone.
    expect((await swift(other, 'delete', `${C}/mine.txt`)).status).toBe(204);
    expect((await swift(other, 'delete', C)).status).toBe(204);
    expect((await swift(demo, 'get', `${C}/salaries.csv`)).text).toBe('alice,100000');
  });

  it('a home project with no mapping never reaches the provider: 404 stays 404, nothing partial', async () => {
    const before = h.demo.providers[AT]!.objectStore.requests.length;
    const names = await containerNames(admin);
    expect(names).not.toContain('payroll');
    const miss = await swift(admin, 'head', 'payroll');
    expect(miss.status).toBe(404);
    expect(miss.headers['x-ocx-partial']).toBeUndefined();
    expect((await swift(admin, 'get', 'payroll/salaries.csv')).status).toBe(404);
    // Naming the provider says why, as for a K2K provider where the caller has no project.
    for (const method of ['get', 'put', 'delete'] as const) {
      const named = await swift(admin, method, `${C}/salaries.csv`);
      expect(named.status).toBe(403);
    }
    // Not a single tempauth login or Swift call at the static provider for admin (bu-keystone's own K2K
    // Swift account of admin is a different path: /v1/AUTH_<bu project>).
    const seen = h.demo.providers[AT]!.objectStore.requests.slice(before);
    expect(
      seen.filter(
        (r) => r.path.includes('/auth/v1.0') || r.path.includes('AUTH_tenant_') || r.path.includes('AUTH_test'),
      ),
    ).toEqual([]);
    expect((await swift(demo, 'get', `${C}/salaries.csv`)).text).toBe('alice,100000');
  });
});

describe('a static provider without a per-project mapping', () => {
  const main = path.resolve(__dirname, '../../../dist/main.js');
  const dir = mkdtempSync(path.join(tmpdir(), 'ocx-tempauth-'));

  /** The built proxy as an operator starts it (`--config`), or its `check-config --offline` when it would load. */
  function run(
    objectStore: Record<string, unknown>,
    how: 'start' | 'check' = 'start',
  ): { status: number | null; stderr: string } {
    const file = path.join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(
      file,
      stringify({
        listen: { host: '127.0.0.1', port: 0 },
        public_url: 'http://127.0.0.1:8080',
        home: 'home',
        providers: {
          home: { keystone_url: 'http://127.0.0.1:5001' },
          [STATIC]: { object_store: { auth: 'tempauth', auth_url: 'http://127.0.0.1:8083/auth/v1.0', ...objectStore } },
        },
      }),
    );
    const args = how === 'start' ? ['--config', file] : ['check-config', file, '--offline'];
    const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 15000 });
    return { status: r.status, stderr: r.stderr.split(file).join('FILE') + r.stdout.split(file).join('FILE') };
  }

  it('refuses to load: exit 2, naming the key', () => {
    const r = run({ user: 'test:tester', key: 'testing' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`FILE: invalid configuration`);
    expect(r.stderr).toContain(`providers.${STATIC}.object_store.accounts:`);
    expect(r.stderr).toContain('shared_account');
  });

  it('loads only with the explicit, unsafe shared_account: true', () => {
    const r = run({ shared_account: true, user: 'test:tester', key: 'testing' }, 'check');
    expect(r.stderr).not.toContain('invalid configuration');
    expect(r.status).toBe(0);
  });

  it('refuses two home projects mapped to one upstream account', () => {
    const r = run({
      accounts: { demo: { user: 'test:tester', key: 'testing' }, other: { user: 'test:tester3', key: 'testing3' } },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`providers.${STATIC}.object_store.accounts.other.user:`);
  });
});
