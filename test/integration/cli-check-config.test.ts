// `ocx-proxy check-config FILE`: validation with the server's own messages, the providers it resolves,
// reachability of every Keystone / object-store / endpoint URL and of the shared-state Redis, exit 0/1/2.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { runCli } from '../../src/cli/dispatch';
import { startDemoCloud, type DemoCloud } from '../../src/demo/demo-cloud';
import { bufferIo } from '../support/cli-io';
import { startRedis, testEncryptionKey, type TestRedis } from '../support/redis-server';

const main = path.resolve(__dirname, '../../dist/main.js');
const dir = mkdtempSync(path.join(tmpdir(), 'ocx-check-'));
let demo: DemoCloud;
let redis: TestRedis;
let closedPort: number;
let blackhole: Server;
let blackholePort: number;

beforeAll(async () => {
  [demo, redis] = await Promise.all([startDemoCloud(), startRedis()]);
  // A port nobody listens on (connection refused) and one that accepts but never answers (timeout).
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  blackhole = createServer(() => undefined);
  await new Promise<void>((r) => blackhole.listen(0, '127.0.0.1', r));
  blackholePort = (blackhole.address() as AddressInfo).port;
});
afterAll(async () => {
  blackhole.close();
  await Promise.all([demo.stop(), redis.stop()]);
});

function write(raw: unknown): string {
  const file = path.join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, stringify(raw));
  return file;
}

async function run(...argv: string[]) {
  const io = bufferIo();
  const status = await runCli(argv, io);
  return { status, out: io.stdout(), err: io.stderr() };
}

describe('ocx-proxy check-config', () => {
  it('valid and everything answers: exit 0, providers and reachability listed', async () => {
    const file = write({
      ...demo.config,
      providers: {
        ...demo.config.providers,
        'bu-keystone': {
          ...demo.config.providers['bu-keystone'],
          endpoints: { 'object-store': `${demo.providers['bu-keystone']!.baseUrl}/object-store/v1/AUTH_{project_id}` },
        },
      },
      state: { backend: 'redis', redis_url: redis.url, encryption_key: testEncryptionKey() },
    });
    const r = await run('check-config', file);
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    expect(r.out).toContain(`${file}: configuration is valid`);
    expect(r.out).toContain('provider home: priority 1, home (login)');
    expect(r.out).toContain('provider bu-keystone: priority 2, k2k (sp_id bu-keystone)');
    expect(r.out).toMatch(/ok {4}home identity +http:\/\/127\.0\.0\.1:\d+\/identity\/v3 +\(HTTP 200, \d+ ms\)/);
    expect(r.out).toMatch(/ok {4}bu-keystone object-store +http:\/\/127\.0\.0\.1:\d+\/info +\(HTTP 200/);
    expect(r.out).toMatch(/ok {4}shared state +redis:\/\/127\.0\.0\.1:\d+\/0/);
  });

  it('an unreachable provider, a silent one and a dead Redis: exit 1, each named with the reason', async () => {
    const file = write({
      ...demo.config,
      providers: {
        ...demo.config.providers,
        gone: { keystone_url: `http://127.0.0.1:${closedPort}`, priority: 5 },
        silent: { keystone_url: `http://127.0.0.1:${blackholePort}`, priority: 6 },
      },
      state: {
        backend: 'redis',
        redis_url: `redis://:hunter2@127.0.0.1:${closedPort}`,
        encryption_key: testEncryptionKey(),
      },
    });
    const started = Date.now();
    const r = await run('check-config', file, '--timeout', '500ms');
    expect(r.status).toBe(1);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(r.out).toMatch(/FAIL {2}gone identity .*ECONNREFUSED/);
    expect(r.out).toMatch(/FAIL {2}silent identity .*did not answer in time/);
    expect(r.out).toMatch(/FAIL {2}shared state +redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ +\(ECONNREFUSED\)/);
    expect(r.out).toMatch(/ok {4}home identity/);
    expect(r.out).not.toContain('hunter2');
  });

  it('--offline validates without any network; --json is machine-readable', async () => {
    const file = write({
      ...demo.config,
      providers: { ...demo.config.providers, gone: { keystone_url: `http://127.0.0.1:${closedPort}` } },
    });
    const r = await run('check-config', file, '--offline', '--json');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({ valid: true, checks: [], summary: { home: 'home', state: 'memory' } });
    expect(doc.summary.providers.map((p: { name: string }) => p.name)).toEqual(['home', 'bu-keystone', 'gone']);
  });

  it('an invalid file: exit 2 with the server’s own message naming the key', async () => {
    const file = write({ ...demo.config, state: { backend: 'redis', redis_url: redis.url } });
    const r = await run('check-config', file);
    expect(r.status).toBe(2);
    expect(r.err).toContain(`${file}: invalid configuration`);
    expect(r.err).toContain('state.encryption_key: is required with backend redis');
  });

  it('unreadable TLS files are reported: exit 2', async () => {
    const file = write({ ...demo.config, tls: { cert: 'missing-cert.pem', key: 'missing-key.pem' } });
    const r = await run('check-config', file, '--offline');
    expect(r.status).toBe(2);
    expect(r.out).toContain(`FAIL  tls.cert: cannot read ${path.join(dir, 'missing-cert.pem')} (ENOENT)`);
  });

  it('usage errors: exit 2', async () => {
    expect((await run('check-config')).status).toBe(2);
    expect((await run('check-config', 'a.yaml', 'b.yaml')).err).toContain('usage: ocx-proxy check-config FILE');
    expect((await run('check-config', 'a.yaml', '--timeout', 'later')).status).toBe(2);
  });

  it('the built binary dispatches it before any server starts (exit statuses as documented)', async () => {
    // Asynchronous: the demo cloud lives in this process and must keep answering the probes.
    const bin = (...argv: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, [main, ...argv], { encoding: 'utf8', timeout: 15_000 }, (err, stdout, stderr) =>
          resolve({ status: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
        );
      });
    const good = await bin('check-config', write(demo.config));
    expect(good.stderr).toBe('');
    expect(good.status).toBe(0);
    expect(good.stdout).toContain('configuration is valid');
    const bad = await bin('check-config', path.join(dir, 'nope.yaml'));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('nope.yaml');
    const unknown = await bin('frobnicate');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });
});
