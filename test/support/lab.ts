import { readFileSync, statSync } from 'node:fs';
import { sumMetric } from './prometheus-text';
import type { Server } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { parseInterval } from '../../src/config/units';
import type { Proxy } from '../../src/app';
import { metric, startInstance, type ProxyInstance } from './proxy-instance';
import { passwordAuth } from './keystone-auth';

/** What deploy/lab/up.sh wrote; lab tests fail (never skip) when the lab is missing. */
export const LAB_DIR = process.env['OCX_LAB_DIR'] ?? '/var/lib/ocx-lab';

export interface LabInfo {
  home: { keystone: string; admin_password: string };
  providers: Record<string, { keystone: string; admin_password: string; sp_id: string }>;
  users: Array<{ name: string; password: string; project: string }>;
  proxy: string;
}

export function labInfo(): LabInfo {
  return JSON.parse(readFileSync(`${LAB_DIR}/lab.json`, 'utf8')) as LabInfo;
}

export type LabProxy = ProxyInstance;

/** The lab proxy's config as up.sh wrote it, so a test can build overrides of nested keys from it. */
export function labConfig(): Record<string, unknown> {
  return parseYaml(readFileSync(`${LAB_DIR}/ocx.yaml`, 'utf8')) as Record<string, unknown>;
}

/**
 * `OCX_LAB_VIA_LB=1` (`npm run test:lab:lb`): startLabProxy hands out cloud ocx-lb, HAProxy in front of the two
 * instances of deploy/lab/lb.sh, wherever a test's overrides leave the proxy as those instances run it.
 */
export const VIA_LB = process.env['OCX_LAB_VIA_LB'] === '1';

interface LabLb {
  url: string;
  instances: Array<{ url: string; config: string; log: string }>;
}

function labLb(): LabLb {
  const lb = (labInfo() as LabInfo & { lb?: LabLb }).lb;
  if (!lb?.instances?.length)
    throw new Error(`OCX_LAB_VIA_LB=1: ${LAB_DIR}/lab.json has no "lb" (deploy/lab/lb.sh up)`);
  return lb;
}

/**
 * Overrides the instances behind HAProxy already run with: the same value as their config, cache TTLs no shorter
 * than theirs (deploy/lab/lb.sh gives them the short TTLs of the lab tests), or timeouts no shorter than the
 * defaults (tests raise them for the slow real services; the instances run with 60 s / 120 s).
 */
function lbCompatible(overrides: Record<string, unknown>, lbConfig: Record<string, unknown>): string[] {
  return Object.keys(overrides).filter((key) => {
    const value = overrides[key];
    if (isDeepStrictEqual(value, lbConfig[key])) return false;
    // TTLs no longer than a test's: what it expects to expire within its TTL expires on the instances too.
    if (key === 'cache' && value && typeof value === 'object') {
      const mine = (lbConfig['cache'] ?? {}) as Record<string, string | number>;
      return !Object.entries(value as Record<string, string | number>).every(
        ([k, v]) => mine[k] !== undefined && (parseInterval(mine[k]) ?? Infinity) <= (parseInterval(v) ?? 0),
      );
    }
    if (key === 'timeouts' && value && typeof value === 'object') {
      const t = value as Record<string, string | number>;
      return !(
        (parseInterval(t['response'] ?? '30s') ?? 0) >= 30_000 && (parseInterval(t['request'] ?? '60s') ?? 0) >= 60_000
      );
    }
    return true;
  });
}

/** In-process proxies whose traffic goes through HAProxy: metricValue sums the instances' /metrics for them. */
const fronted = new WeakSet<Proxy>();

/** An in-process proxy on the lab's config (own port, optional overrides) so tests can read its metrics. */
export async function startLabProxy(overrides: Record<string, unknown> = {}): Promise<LabProxy> {
  if (!VIA_LB) return startInstance({ ...labConfig(), ...overrides }, `${LAB_DIR}/ocx.yaml`, LAB_DIR);
  const lb = labLb();
  const lbConfig = parseYaml(readFileSync(lb.instances[0]!.config, 'utf8')) as Record<string, unknown>;
  const differs = lbCompatible(overrides, lbConfig);
  if (differs.length) {
    process.stderr.write(`OCX_LAB_VIA_LB: an in-process proxy, not ocx-lb (own ${differs.join(', ')})\n`);
    return startInstance({ ...labConfig(), ...overrides }, `${LAB_DIR}/ocx.yaml`, LAB_DIR);
  }
  // The in-process proxy shares the instances' Redis and keys, so what a test reads from its deps (a session, a
  // validation) is what the instances hold; the HTTP traffic goes to HAProxy.
  const local = await startInstance(
    { ...labConfig(), ...overrides, state: lbConfig['state'] },
    `${LAB_DIR}/ocx.yaml`,
    LAB_DIR,
  );
  fronted.add(local.proxy);
  const marks = lb.instances.map((i) => statSync(i.log).size);
  return {
    proxy: local.proxy,
    // supertest's request() takes a URL as well as a server.
    server: lb.url as unknown as Server,
    url: lb.url,
    get logs(): string[] {
      return [...local.logs, ...lb.instances.map((i, n) => readFileSync(i.log).subarray(marks[n]).toString('utf8'))];
    },
    close: () => local.close(),
  };
}

export async function keystoneLogin(
  base: string,
  user: string,
  password: string,
  project: string,
): Promise<{ token: string; body: Record<string, unknown> }> {
  const res = await fetch(`${base}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(passwordAuth(user, password, project)),
  });
  if (res.status !== 201) throw new Error(`login ${user} at ${base}: HTTP ${res.status}`);
  return { token: res.headers.get('x-subject-token') as string, body: (await res.json()) as Record<string, unknown> };
}

/** A metric of a test's proxy; through ocx-lb, summed over the instances behind HAProxy and the in-process one. */
export async function metricValue(proxy: Proxy, name: string, labels: Record<string, string> = {}): Promise<number> {
  const own = await metric(proxy, name, labels);
  if (!fronted.has(proxy)) return own;
  let sum = own;
  for (const i of labLb().instances) sum += sumMetric(await (await fetch(`${i.url}/metrics`)).text(), name, labels);
  return sum;
}
