import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { metric, startInstance, type ProxyInstance } from './proxy-instance';

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

/** An in-process proxy on the lab's config (own port, optional overrides) so tests can read its metrics. */
export async function startLabProxy(overrides: Record<string, unknown> = {}): Promise<LabProxy> {
  return startInstance({ ...labConfig(), ...overrides }, `${LAB_DIR}/ocx.yaml`, LAB_DIR);
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
    body: JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: user, domain: { name: 'Default' }, password } } },
        scope: { project: { name: project, domain: { name: 'Default' } } },
      },
    }),
  });
  if (res.status !== 201) throw new Error(`login ${user} at ${base}: HTTP ${res.status}`);
  return { token: res.headers.get('x-subject-token') as string, body: (await res.json()) as Record<string, unknown> };
}

export const metricValue = metric;
