import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import type { LabProxy } from '../support/lab';
import { labInfo } from '../support/lab';
import { passwordAuth } from '../support/keystone-auth';
import { cliEnv, DEMO_USER, type CliUser } from '../support/openstack-cli';

const run = promisify(execFile);

/** The lab's Swift clusters (deploy/lab/swift.sh); a missing lab fails the test (never skips). */
export async function requireLabSwift(): Promise<void> {
  const swift = labInfo() as unknown as { swift?: Record<string, string | { url: string }> };
  if (!swift.swift) throw new Error('lab.json has no "swift" section: run deploy/lab/up.sh with deploy/lab/swift.sh');
  for (const [name, v] of Object.entries(swift.swift)) {
    const url = typeof v === 'string' ? v : v.url;
    const res = await fetch(`${url}/info`);
    if (res.status !== 200) throw new Error(`lab Swift ${name} at ${url} answers /info with HTTP ${res.status}`);
  }
}

/** Has the updaters sweep now, so account counters are exact (swift.sh flush; it gives up after 60 s, saying why). */
export async function flushSwift(): Promise<void> {
  await run(path.resolve(__dirname, '../../deploy/lab/swift.sh'), ['flush'], { timeout: 90_000 });
}

export interface SwiftCli {
  dir: string;
  run(...args: string[]): Promise<{ out: string; err: string; code: number }>;
  /** Like run, but a failure throws with the CLI's output. */
  ok(...args: string[]): Promise<string>;
}

/** Debian's `/usr/bin/swift` logged in through the proxy's Keystone (v3) as `who` (default demo). */
export function swiftCli(p: LabProxy, who: CliUser = DEMO_USER): SwiftCli {
  const dir = mkdtempSync(path.join(tmpdir(), `ocx-swift-cli-${who.user}-`));
  const env = cliEnv(p.url, who, { HOME: dir, OS_AUTH_VERSION: '3' });
  const cli: SwiftCli = {
    dir,
    async run(...args) {
      try {
        const r = await run('/usr/bin/swift', args, { env, cwd: dir, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
        return { out: r.stdout, err: r.stderr, code: 0 };
      } catch (e) {
        const x = e as { stdout?: string; stderr?: string; code?: number };
        return { out: x.stdout ?? '', err: x.stderr ?? String(e), code: x.code ?? 1 };
      }
    },
    async ok(...args) {
      const r = await cli.run(...args);
      if (r.code !== 0)
        throw new Error(`swift ${args.join(' ')} (as ${who.user}) exited ${r.code}:\n${r.out}\n${r.err}`);
      return r.out;
    },
  };
  return cli;
}

/** A home token through the proxy and the account path, for requests the CLI cannot make. */
export async function proxyLogin(p: LabProxy): Promise<{ token: string; account: string }> {
  const res = await request(p.server)
    .post('/identity/v3/auth/tokens')
    .send(passwordAuth('demo', 'demo-secret', 'demo'));
  if (res.status !== 201) throw new Error(`login through the proxy: HTTP ${res.status}`);
  return {
    token: res.headers['x-subject-token'] as string,
    account: `/object-store/v1/AUTH_${(res.body as { token: { project: { id: string } } }).token.project.id}`,
  };
}
