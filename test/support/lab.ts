import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { parse as parseYaml } from 'yaml';
import { buildApp, type Proxy } from '../../src/app';
import { compileConfig } from '../../src/config/load';
import { createLogger } from '../../src/observability/logger';

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

export interface LabProxy {
  proxy: Proxy;
  server: Server;
  url: string;
  logs: string[];
  close(): Promise<void>;
}

/** An in-process proxy on the lab's config (own port, optional overrides) so tests can read its metrics. */
export async function startLabProxy(overrides: Record<string, unknown> = {}): Promise<LabProxy> {
  const raw = parseYaml(readFileSync(`${LAB_DIR}/ocx.yaml`, 'utf8')) as Record<string, unknown>;
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const config = compileConfig({ ...raw, public_url: url, ...overrides }, `${LAB_DIR}/ocx.yaml`);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      logs.push(chunk.toString('utf8'));
      cb();
    },
  });
  const proxy = buildApp(config, { logger: createLogger('info', sink) });
  server.on('request', proxy.app);
  return {
    proxy,
    server,
    url,
    logs,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await proxy.close();
    },
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

export async function metricValue(proxy: Proxy, name: string, labels: Record<string, string>): Promise<number> {
  const metric = await proxy.deps.metrics.registry.getSingleMetric(name)?.get();
  const match = metric?.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val));
  return match?.value ?? 0;
}
