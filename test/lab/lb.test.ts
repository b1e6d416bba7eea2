// The scale-out lab (deploy/lab/lb.sh, docs/lab.md "Load balancer and Redis HA"): HAProxy round robin, no
// stickiness, in front of two ocx-proxy instances (each --workers 2) sharing state through Redis found by Sentinel.
// Merged listings walked across the instances, a volume attach through cloud ocx-lb with bu-keystone's provider
// token admitted by the instance that did not mint it, an instance killed under load, Redis master failovers. The
// instance and the Redis master a test takes down are started again (`lb.sh heal`). Fails (never skips) without
// the lb section of lab.json.
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { authenticate } from '../../src/identity/caller';
import { LAB_DIR, keystoneLogin, labInfo, startLabProxy, type LabProxy } from '../support/lab';
import { passwordAuth } from '../support/keystone-auth';
import { nextPath } from '../support/listing-links';
import { sumMetric } from '../support/prometheus-text';
import { demoCliEnv, runClient } from '../support/openstack-cli';

jest.setTimeout(300_000);

const run = promisify(execFile);

interface LbInstance {
  name: string;
  url: string;
  pid_file: string;
  config: string;
  log: string;
}
interface LbInfo {
  url: string;
  stats: string;
  instances: LbInstance[];
  redis: { ports: number[]; password_file: string };
  sentinel: { name: string; ports: number[] };
  script: string;
}
interface CloudInfo {
  keystone: string;
  endpoints: { volume: string; compute: string };
  image: { id: string };
}
const lab = labInfo() as ReturnType<typeof labInfo> & {
  lb?: LbInfo;
  openstack?: { clouds?: Record<string, CloudInfo> };
};
function lbInfo(): LbInfo {
  if (!lab.lb?.instances?.length) throw new Error(`${LAB_DIR}/lab.json has no "lb": run deploy/lab/lb.sh up`);
  return lab.lb;
}
const lb = lbInfo();
const [A, B] = lb.instances as [LbInstance, LbInstance];
const tag = `lb${Date.now().toString(36)}`;

// ------------------------------------------------------------------------------------------------ helpers

interface Answer {
  status: number;
  body: Record<string, unknown>;
  /** The instance HAProxy chose (its X-OCX-LB-Server header, deploy/lab/lb/haproxy.cfg); null when asked directly. */
  server: string | null;
}

async function call(base: string, path: string, token: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    ...init,
    headers: { 'x-auth-token': token, 'content-type': 'application/json', ...(init.headers ?? {}) },
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  const body = res.headers.get('content-type')?.includes('json') && text ? JSON.parse(text) : { text };
  return { status: res.status, body, server: res.headers.get('x-ocx-lb-server') };
}

async function login(base: string, user = lab.users[0]!): Promise<{ token: string; project: string; server: string }> {
  const res = await fetch(`${base}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(passwordAuth(user.name, user.password, user.project)),
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { token: { project: { id: string } } };
  return {
    token: res.headers.get('x-subject-token') as string,
    project: body.token.project.id,
    server: res.headers.get('x-ocx-lb-server') ?? '',
  };
}

/** A counter summed over an instance's /metrics (its workers merged by the supervisor). */
async function scrape(base: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  return sumMetric(await (await fetch(`${base}/metrics`)).text(), name, labels);
}

/** HAProxy's view of one instance: UP, DOWN, ... (the stats page as CSV). */
async function haproxyStatus(server: string): Promise<string> {
  const lines = (await (await fetch(`${lb.stats};csv`)).text()).split('\n');
  const header = (lines[0] ?? '').replace(/^# /, '').split(',');
  const row = lines.map((l) => l.split(',')).find((c) => c[0] === 'ocx_proxies' && c[1] === server);
  return row?.[header.indexOf('status')] ?? 'missing';
}

async function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, seconds = 60): Promise<T> {
  let last: T | undefined;
  for (const end = Date.now() + seconds * 1000; Date.now() < end;) {
    last = await get().catch(() => undefined as T);
    if (last !== undefined && ok(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${seconds} s waiting for ${what}; last: ${JSON.stringify(last)}`);
}

const sharedUp = async (i: LbInstance): Promise<boolean> =>
  ((await (await fetch(`${i.url}/readyz`)).json()) as { shared_state?: { reachable?: boolean } }).shared_state
    ?.reachable === true;

/** Every page of a listing, page i asked of bases[i % n]; the ids and which instance HAProxy chose per page. */
async function walk(bases: string[], first: string, key: string, token: string) {
  const ids: string[] = [];
  const servers: (string | null)[] = [];
  let path: string | undefined = first;
  for (let i = 0; i < 200 && path; i++) {
    const res = await call(bases[i % bases.length]!, path, token);
    expect(res.status).toBe(200);
    ids.push(...(res.body[key] as { id: string }[]).map((x) => x.id));
    servers.push(res.server);
    path = nextPath(res.body, key);
  }
  return { ids, servers };
}

const redisPassword = () => readFileSync(lb.redis.password_file, 'utf8').trim();
async function sentinel(...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(lb.sentinel.ports[0]), ...args]);
  return stdout.trim();
}
const master = async (): Promise<string> =>
  (await sentinel('sentinel', 'get-master-addr-by-name', lb.sentinel.name)).split('\n').join(':');
async function redisPid(port: number): Promise<number> {
  return Number(readFileSync(`${LAB_DIR}/run/lb-redis-${port}.pid`, 'utf8').trim());
}
async function heal(): Promise<void> {
  await run('bash', [lb.script, 'heal'], { timeout: 120_000 });
}

/**
 * Requests through HAProxy from several users until `stop()`; each outcome with its start time. Calls the proxy
 * answers from both providers (a merged image listing) and Keystone passthroughs.
 */
function load(users: { token: string; name: string }[], perUser = 3) {
  const results: { user: string; at: number; ok: boolean; detail: string }[] = [];
  let running = true;
  const paths = ['/image/v2/images', '/identity/v3/auth/projects'];
  const loops = users.flatMap((u) =>
    Array.from({ length: perUser }, async (_x, n) => {
      for (let i = n; running; i++) {
        const at = Date.now();
        try {
          const res = await fetch(`${lb.url}${paths[i % paths.length]}`, {
            headers: { 'x-auth-token': u.token },
            signal: AbortSignal.timeout(20_000),
          });
          await res.arrayBuffer();
          results.push({ user: u.name, at, ok: res.status === 200, detail: `HTTP ${res.status}` });
        } catch (err) {
          results.push({ user: u.name, at, ok: false, detail: (err as Error).message });
        }
      }
    }),
  );
  return {
    results,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

const failures = (rs: { ok: boolean }[]) => rs.filter((r) => !r.ok);
const mark = (i: LbInstance): number => statSync(i.log).size;
/** Request lines an instance logged since `from` (JSON, one per request) whose path starts with `prefix`. */
function requestsSince(i: LbInstance, from: number, prefix: string): string[] {
  return readFileSync(i.log)
    .subarray(from)
    .toString('utf8')
    .split('\n')
    .flatMap((l) => {
      try {
        const r = JSON.parse(l) as { method?: string; path?: string };
        return r.method && r.path?.startsWith(prefix) ? [`${r.method} ${r.path}`] : [];
      } catch {
        return [];
      }
    });
}

// ------------------------------------------------------------------------------------------------ setup

let demo: { token: string; project: string };
const volumes: Record<'home' | 'bu-keystone', string> = { home: '', 'bu-keystone': '' };
let server = '';

beforeAll(async () => {
  for (const i of [...lb.instances, { url: lb.url }]) {
    const res = await fetch(`${i.url}/readyz`).catch(() => undefined);
    if (res?.status !== 200) throw new Error(`${i.url}/readyz: ${res?.status ?? 'no answer'} (deploy/lab/lb.sh heal)`);
  }
  await heal();
  demo = await login(lb.url);
  for (const provider of ['home', 'bu-keystone'] as const) {
    const res = await call(lb.url, `/volume/v3/${demo.project}/volumes`, demo.token, {
      method: 'POST',
      headers: { 'x-ocx-provider': provider },
      body: JSON.stringify({ volume: { size: 1, name: `${tag}-${provider}` } }),
    });
    expect(res.status).toBe(202);
    volumes[provider] = (res.body as { volume: { id: string } }).volume.id;
  }
  for (const id of Object.values(volumes)) {
    await until(
      `volume ${id} available`,
      () => call(lb.url, `/volume/v3/${demo.project}/volumes/${id}`, demo.token),
      (r) => ['available', 'error'].includes((r.body as { volume?: { status: string } }).volume?.status ?? ''),
      120,
    );
  }
}, 240_000);

afterAll(async () => {
  await heal().catch(() => undefined);
  if (server) await openstack('server', 'delete', '--wait', server).catch(() => undefined);
  for (const id of Object.values(volumes).filter(Boolean)) {
    await until(
      `volume ${id} deleted`,
      () => call(lb.url, `/volume/v3/${demo.project}/volumes/${id}`, demo.token, { method: 'DELETE' }),
      (r) => r.status !== 400,
      60,
    ).catch(() => undefined);
  }
}, 300_000);

const cliEnv = (): NodeJS.ProcessEnv => ({ ...demoCliEnv(lb.url), HOME: '/tmp', OS_COMPUTE_API_VERSION: '2.37' });
const cli = (bin: string, ...args: string[]): Promise<string> => runClient(bin, args, cliEnv(), 180_000);
const openstack = (...args: string[]) => cli('openstack', ...args);

// ------------------------------------------------------------------------------------------------ tests

describe('merged listings across the two instances', () => {
  it.each([
    ['Glance images', () => '/image/v2/images', 'images'],
    ['Cinder volumes', () => `/volume/v3/${demo.project}/volumes`, 'volumes'],
  ])(
    '%s paged one by one, alternating instances and through HAProxy, equal the big listing',
    async (_n, path, key) => {
      const big = (await walk([A.url], path(), key, demo.token)).ids;
      expect(big.length).toBeGreaterThanOrEqual(2);
      if (key === 'volumes') expect(big).toEqual(expect.arrayContaining(Object.values(volumes)));
      const sep = path().includes('?') ? '&' : '?';
      expect((await walk([A.url, B.url], `${path()}${sep}limit=1`, key, demo.token)).ids).toEqual(big);
      expect((await walk([B.url, A.url], `${path()}${sep}limit=1`, key, demo.token)).ids).toEqual(big);
      const viaLb = await walk([lb.url], `${path()}${sep}limit=1`, key, demo.token);
      expect(viaLb.ids).toEqual(big);
      // Round robin, no stickiness: the pages of one client's walk were served by both instances.
      expect(new Set(viaLb.servers)).toEqual(new Set([A.name, B.name]));
    },
    120_000,
  );
});

describe('mix and match through cloud ocx-lb', () => {
  it('nova volume-attach SERVER VOL@bu-keystone: in-use at bu-keystone; the CLI calls landed on both instances', async () => {
    const home = lab.openstack?.clouds?.['home'];
    const bu = lab.openstack?.clouds?.['bu-keystone'];
    if (!home?.image?.id || !bu?.endpoints?.volume) throw new Error(`${LAB_DIR}/lab.json has no openstack clouds`);
    const marks = [mark(A), mark(B)];
    const srv = JSON.parse(
      await openstack(
        ...['server', 'create', '--flavor', 'm1.tiny', '--nic', 'none', '--image', home.image.id, '--wait'],
        ...[`${tag}-vm`, '-f', 'json'],
      ),
    ) as { id: string; status: string };
    server = srv.id;
    expect(srv.status).toBe('ACTIVE');
    const vol = volumes['bu-keystone'];
    expect(await cli('nova', 'volume-attach', server, `${vol}@bu-keystone`)).toContain(vol);
    const admin = await keystoneLogin(bu.keystone, 'admin', lab.providers['bu-keystone']!.admin_password, 'admin');
    const adminProject = (admin.body as { token: { project: { id: string } } }).token.project.id;
    const atBu = await until(
      `${vol} in-use at bu-keystone`,
      async () => {
        const res = await fetch(`${bu.endpoints.volume}/${adminProject}/volumes/${vol}`, {
          headers: { 'x-auth-token': admin.token },
        });
        return ((await res.json()) as { volume: { status: string; attachments: { server_id: string }[] } }).volume;
      },
      (v) => v.status === 'in-use' || v.status === 'error',
      120,
    );
    expect(atBu.status).toBe('in-use');
    expect(atBu.attachments.map((a) => a.server_id)).toEqual([server]);
    // The CLIs' calls (server create, its polling, the attach) were spread over both instances.
    for (const [n, i] of [A, B].entries()) expect(requestsSince(i, marks[n]!, '/compute/').length).toBeGreaterThan(0);
  }, 300_000);

  it("bu-keystone's provider token, minted by one instance, is admitted on a callback by the other", async () => {
    // A login straight at A: its warm-up makes the bu-keystone exchange there, so A mints the provider token.
    const warm = () => scrape(A.url, 'ocx_warmups_total', { provider: 'bu-keystone', result: 'ok' });
    const before = await warm();
    const user = await login(A.url);
    await until('the warm-up at A', warm, (n) => n > before, 30);
    // An observer sharing the instances' Redis and keys reads the session from the shared level (no exchange).
    const lbState = (parseYaml(readFileSync(A.config, 'utf8')) as { state: unknown }).state;
    const observer: LabProxy = await startLabProxy({ state: lbState });
    let buToken: string;
    let buProject: string;
    try {
      const caller = await authenticate({ 'x-auth-token': user.token }, observer.proxy.deps.validator);
      const session = await observer.proxy.deps.sessions.get(caller, 'bu-keystone');
      const exchanges = await observer.proxy.deps.metrics.registry.getSingleMetric('ocx_k2k_exchanges_total')?.get();
      expect(exchanges?.values.reduce((s, v) => s + v.value, 0) ?? 0).toBe(0);
      buToken = session.token;
      buProject = session.projectId as string;
    } finally {
      await observer.close();
    }
    // bu-keystone's Nova showing a home volume with its provider token (docs/mix-and-match.md): at B, which did
    // not mint it and makes no exchange of its own for it.
    const bExchanges = () => scrape(B.url, 'ocx_k2k_exchanges_total', { provider: 'bu-keystone' });
    const bBefore = await bExchanges();
    const shown = await call(B.url, `/volume/v3/${buProject}/volumes/${volumes.home}`, buToken);
    expect(shown.status).toBe(200);
    expect((shown.body as { volume: { id: string } }).volume.id).toBe(volumes.home);
    expect(await bExchanges()).toBe(bBefore);
    // The capability stays narrow on B too: no identity calls with it.
    expect([401, 403]).toContain((await call(B.url, '/identity/v3/auth/catalog', buToken)).status);
  }, 120_000);
});

describe('an instance killed under load', () => {
  it('HAProxy marks it down; from then on 0 failed requests, for every user', async () => {
    const users = await Promise.all(
      lab.users.slice(0, 3).map(async (u) => ({ name: u.name, token: (await login(lb.url, u)).token })),
    );
    const traffic = load(users);
    await new Promise((r) => setTimeout(r, 2000));
    const killedAt = Date.now();
    const pid = Number(readFileSync(B.pid_file, 'utf8').trim());
    process.kill(-pid, 'SIGKILL'); // the supervisor leads its process group: it and its workers die at once
    await until(
      `${B.name} DOWN at HAProxy`,
      () => haproxyStatus(B.name),
      (s) => s.startsWith('DOWN'),
      30,
    );
    const downAt = Date.now();
    await new Promise((r) => setTimeout(r, 5000));
    await traffic.stop();
    const after = traffic.results.filter((r) => r.at >= downAt);
    const before = traffic.results.filter((r) => r.at >= killedAt && r.at < downAt);
    console.log(
      `killed ${B.name}: marked down after ${downAt - killedAt} ms; ${traffic.results.length} requests, ` +
        `${failures(before).length} of ${before.length} failed before, ${failures(after).length} of ${after.length} after`,
    );
    expect(after.length).toBeGreaterThan(20);
    expect(failures(after)).toEqual([]);
    for (const u of users) expect(after.filter((r) => r.user === u.name).length).toBeGreaterThan(0);
    await heal();
    await until(
      `${B.name} UP again`,
      () => haproxyStatus(B.name),
      (s) => s.startsWith('UP'),
      60,
    );
  }, 120_000);
});

describe('Redis master failover through Sentinel', () => {
  /** Fails over (how), with traffic through HAProxy; returns the new master and the times it took. */
  async function failover(how: () => Promise<void>) {
    const users = [{ name: 'demo', token: demo.token }];
    const old = await master();
    const traffic = load(users, 2);
    const started = Date.now();
    await how();
    const now = await until('a new master', master, (m) => m !== old, 60);
    const switched = Date.now();
    await until(
      'both instances back on Redis',
      async () => (await sharedUp(A)) && (await sharedUp(B)),
      (x) => x,
      60,
    );
    const back = Date.now();
    await new Promise((r) => setTimeout(r, 1000));
    await traffic.stop();
    console.log(
      `redis failover ${old} -> ${now}: new master after ${switched - started} ms, both instances on it after ` +
        `${back - started} ms; ${failures(traffic.results).length} of ${traffic.results.length} requests failed`,
    );
    expect(failures(traffic.results)).toEqual([]);
    return now;
  }

  /** A token validated on one instance after the failover is served to the other from Redis (no validation). */
  async function sharedAcrossInstances(): Promise<void> {
    const user = await login(A.url, lab.users[1]!);
    await new Promise((r) => setTimeout(r, 200)); // the shared write is in the background
    const valid = () => scrape(B.url, 'ocx_token_validations_total', { result: 'valid' });
    const hits = () => scrape(B.url, 'ocx_cache_lookups_total', { cache: 'token', result: 'shared_hit' });
    const [v0, h0] = [await valid(), await hits()];
    // A front that authenticates the caller itself (a Keystone passthrough leaves that to Keystone).
    expect((await call(B.url, '/image/v2/images', user.token)).status).toBe(200);
    expect(await hits()).toBeGreaterThan(h0);
    expect(await valid()).toBe(v0);
  }

  it('sentinel failover: proxies keep serving, the shared level comes back on the new master', async () => {
    await failover(async () => {
      expect(await sentinel('sentinel', 'failover', lb.sentinel.name)).toBe('OK');
    });
    await sharedAcrossInstances();
  }, 120_000);

  it('the master killed: proxies keep serving (fail-open), Sentinel promotes the replica, sharing resumes', async () => {
    const [, port] = (await master()).split(':');
    const pid = await redisPid(Number(port));
    await failover(async () => {
      process.kill(pid, 'SIGKILL');
    });
    await sharedAcrossInstances();
    // The old master back (heal), as a replica of the new one.
    await heal();
    const role = await until(
      `redis :${port} a replica again`,
      async () =>
        (
          await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'role'], {
            env: { ...process.env, REDISCLI_AUTH: redisPassword() },
          })
        ).stdout,
      (out) => out.startsWith('slave'),
      60,
    );
    expect(role).toContain('slave');
  }, 180_000);
});
