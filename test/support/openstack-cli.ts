import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CliUser {
  user: string;
  password: string;
  project: string;
}
export const DEMO_USER: CliUser = { user: 'demo', password: 'demo-secret', project: 'demo' };

/**
 * Environment for Debian's OpenStack CLIs (`openstack`, `swift`) logging in at the proxy's Keystone (v3, domain
 * Default); `extra` adds what one client needs (e.g. `OS_AUTH_VERSION` for swift, a compute microversion).
 */
export function cliEnv(proxyUrl: string, who: CliUser = DEMO_USER, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: '/usr/bin:/bin',
    HOME: process.env['HOME'] ?? '/tmp',
    OS_AUTH_URL: `${proxyUrl}/identity/v3`,
    OS_IDENTITY_API_VERSION: '3',
    OS_USERNAME: who.user,
    OS_PASSWORD: who.password,
    OS_PROJECT_NAME: who.project,
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_NAME: 'Default',
    ...extra,
  };
}

/** The demo user with `openstack`: region as the demo catalog names it. */
export function demoCliEnv(proxyUrl: string): NodeJS.ProcessEnv {
  return cliEnv(proxyUrl, DEMO_USER, { OS_REGION_NAME: 'RegionOne' });
}

/** Runs /usr/bin/<bin> with `env` (the real client; missing → the test fails); errors carry its output. */
export async function runClient(
  bin: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeout = 60_000,
): Promise<string> {
  try {
    const { stdout } = await run(`/usr/bin/${bin}`, args, { timeout, env });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${bin} ${args.join(' ')}: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

/** Runs /usr/bin/<bin> as the demo user against the proxy and returns stdout. */
export async function runCli(proxyUrl: string, bin: string, ...args: string[]): Promise<string> {
  return runClient(bin, args, demoCliEnv(proxyUrl));
}

/** `openstack ... -f json`, parsed. */
export async function openstackJson<T>(proxyUrl: string, ...args: string[]): Promise<T> {
  return JSON.parse(await runCli(proxyUrl, 'openstack', ...args, '-f', 'json')) as T;
}
