import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Environment for Debian's OpenStack CLIs logging in as the demo user at the proxy's Keystone. */
export function demoCliEnv(proxyUrl: string): NodeJS.ProcessEnv {
  return {
    PATH: '/usr/bin:/bin',
    HOME: process.env['HOME'] ?? '/tmp',
    OS_AUTH_URL: `${proxyUrl}/identity/v3`,
    OS_IDENTITY_API_VERSION: '3',
    OS_USERNAME: 'demo',
    OS_PASSWORD: 'demo-secret',
    OS_PROJECT_NAME: 'demo',
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_NAME: 'Default',
    OS_REGION_NAME: 'RegionOne',
  };
}

/** Runs /usr/bin/<bin> (the real client; missing → the test fails) and returns stdout; errors carry its output. */
export async function runCli(proxyUrl: string, bin: string, ...args: string[]): Promise<string> {
  try {
    const { stdout } = await run(`/usr/bin/${bin}`, args, { timeout: 60_000, env: demoCliEnv(proxyUrl) });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${bin} ${args.join(' ')}: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

/** `openstack ... -f json`, parsed. */
export async function openstackJson<T>(proxyUrl: string, ...args: string[]): Promise<T> {
  return JSON.parse(await runCli(proxyUrl, 'openstack', ...args, '-f', 'json')) as T;
}
