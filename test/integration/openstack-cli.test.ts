import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { startHarness, type Harness } from '../support/harness';
import { demoCliEnv } from '../support/openstack-cli';

const run = promisify(execFile);
// Debian's real client (python3-openstackclient); .ci/run installs it. Missing → the test fails, never skips.
const OPENSTACK = '/usr/bin/openstack';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

function cli(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(OPENSTACK, [...args, '-f', 'json'], {
    timeout: 60_000,
    env: demoCliEnv(h.url),
  });
}

describe('the real openstack CLI against the proxy in front of the demo cloud', () => {
  it('is installed', () => {
    expect(existsSync(OPENSTACK)).toBe(true);
  });

  it('token issue succeeds', async () => {
    const { stdout } = await cli('token', 'issue');
    const token = JSON.parse(stdout) as { id: string; project_id: string; user_id: string };
    expect(token.id.length).toBeGreaterThan(10);
    expect(token.project_id).toBe(h.demo.providers['home']!.projects['demo']);
  });

  it('catalog list shows only proxy URLs', async () => {
    const { stdout } = await cli('catalog', 'list');
    const catalog = JSON.parse(stdout) as Array<{ Type: string; Endpoints: unknown }>;
    expect(catalog.map((c) => c.Type)).toEqual(
      expect.arrayContaining(['identity', 'compute', 'volumev3', 'block-storage', 'image', 'object-store']),
    );
    const urls = JSON.stringify(catalog).match(/https?:\/\/[^\s"\\]+/g) ?? [];
    expect(urls.length).toBeGreaterThanOrEqual(18);
    for (const url of urls) expect(url.startsWith(`${h.url}/`)).toBe(true);
  });

  it('project list works through the proxy Keystone', async () => {
    const { stdout } = await cli('project', 'list', '--my-projects');
    expect((JSON.parse(stdout) as Array<{ Name: string }>).map((p) => p.Name)).toContain('demo');
  });
});
