// `ocx-proxy providers`: reachability probed by the CLI, and with --url of a running proxy its breaker
// state, last K2K exchange per provider and shared state, read from /readyz.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { stringify } from 'yaml';
import { runCli } from '../../src/cli/dispatch';
import { bufferIo } from '../support/cli-io';
import { passwordAuth, startHarness, type Harness } from '../support/harness';

let h: Harness;
let file: string;

beforeAll(async () => {
  h = await startHarness();
  const dir = mkdtempSync(path.join(tmpdir(), 'ocx-providers-'));
  file = path.join(dir, 'ocx.yaml');
  writeFileSync(file, stringify(h.demo.config));
});
afterAll(() => h.close());

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const io = bufferIo(env);
  const status = await runCli(argv, io);
  return { status, out: io.stdout(), err: io.stderr() };
}

describe('ocx-proxy providers', () => {
  it('lists each provider with its role and reachability (config from OCX_CONFIG)', async () => {
    const r = await run(['providers'], { OCX_CONFIG: file });
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    const [header, home, bu] = r.out.trim().split('\n');
    expect(header).toMatch(/^PROVIDER +AUTH +REACHABLE +URL$/);
    expect(home).toMatch(/^home +home +yes \(\d+ ms\) +http:\/\/127\.0\.0\.1:\d+\/identity\/v3$/);
    expect(bu).toMatch(/^bu-keystone +k2k +yes \(\d+ ms\)/);
  });

  it('with --url: breaker state and the last K2K exchange as the running proxy knows them', async () => {
    const login = await request(h.server)
      .post('/identity/v3/auth/tokens')
      .send(passwordAuth('demo', 'demo-secret', 'demo'));
    const token = login.headers['x-subject-token'] as string;
    await request(h.server)
      .get('/identity/v3/auth/projects')
      .set('x-auth-token', token)
      .set('x-ocx-provider', 'bu-keystone')
      .expect(200);
    const r = await run(['providers', '--config', file, '--url', h.url]);
    expect(r.status).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(/^PROVIDER +AUTH +REACHABLE +BREAKER +LAST K2K +URL$/);
    expect(lines[1]).toMatch(/^home +home +yes \(\d+ ms\) +closed +- /);
    expect(lines[2]).toMatch(/^bu-keystone +k2k +yes \(\d+ ms\) +closed +\d{4}-\d\d-\d\dT[\d:.]+Z ok /);
    expect(lines[3]).toBe(`proxy ${h.url}: ready, shared state memory reachable`);
    const json = JSON.parse((await run(['providers', '--config', file, '--url', h.url, '--json'])).out);
    expect(json.providers[1]).toMatchObject({
      name: 'bu-keystone',
      auth: 'k2k',
      reachable: { reachable: true, status: 200 },
      proxy: { breaker: 'closed', lastK2k: { result: 'ok' } },
    });
  });

  it('a provider down: exit 1 with the reason; a proxy that does not answer: exit 1', async () => {
    h.demo.setDown('bu-keystone', true);
    try {
      const r = await run(['providers', '--config', file, '--url', h.url, '--timeout', '1s']);
      expect(r.status).toBe(1);
      expect(r.out).toMatch(/\nbu-keystone +k2k +NO: /);
      expect(r.out).toMatch(/\nhome +home +yes/);
    } finally {
      h.demo.setDown('bu-keystone', false);
    }
    const gone = await run(['providers', '--config', file, '--url', 'http://127.0.0.1:1', '--timeout', '500ms']);
    expect(gone.status).toBe(1);
    expect(gone.out).toMatch(/proxy http:\/\/127\.0\.0\.1:1: http:\/\/127\.0\.0\.1:1\/readyz: .*unreachable/);
  });

  it('usage: no config → exit 2', async () => {
    const r = await run(['providers']);
    expect(r.status).toBe(2);
    expect(r.err).toContain('usage: ocx-proxy providers');
  });
});
