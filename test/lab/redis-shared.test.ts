// Shared state (docs/configuration.md `state`) against the real lab: two in-process proxy instances on the lab config (real Keystones federated by K2K)
// sharing one real redis-server started here on a free port (no persistence) and killed at the end.
import request from 'supertest';
import { eventually } from '../support/eventually';
import { metricValue, startLabProxy, type LabProxy } from '../support/lab';
import { startRedis, testEncryptionKey, type TestRedis } from '../support/redis-server';
import { passwordAuth } from '../support/keystone-auth';

jest.setTimeout(120_000);
let redis: TestRedis;
let a: LabProxy;
let b: LabProxy;

beforeAll(async () => {
  redis = await startRedis();
  const state = { backend: 'redis', redis_url: redis.url, encryption_key: testEncryptionKey() };
  [a, b] = await Promise.all([startLabProxy({ state }), startLabProxy({ state })]);
  for (const p of [a, b]) await eventually(async () => (await p.proxy.deps.state.status()).reachable);
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await redis?.stop();
});

async function login(via: LabProxy, user: string, password: string): Promise<string> {
  const res = await request(via.server)
    .post('/identity/v3/auth/tokens')
    .send(passwordAuth(user, password, 'demo'));
  expect(res.status).toBe(201);
  return res.headers['x-subject-token'] as string;
}
const projectsAtBu = (via: LabProxy, token: string) =>
  request(via.server).get('/identity/v3/auth/projects').set('x-auth-token', token).set('x-ocx-provider', 'bu-keystone');
const exchanges = (p: LabProxy) =>
  metricValue(p.proxy, 'ocx_k2k_exchanges_total', { provider: 'bu-keystone', result: 'ok' });
const validations = (p: LabProxy) => metricValue(p.proxy, 'ocx_token_validations_total', { result: 'valid' });

describe('two proxy instances sharing one Redis, real Keystones', () => {
  it('a login and a call through A, then the call through B: no second K2K exchange, no validation', async () => {
    const token = await login(a, 'demo', 'demo-secret');
    const first = await projectsAtBu(a, token);
    expect(first.status).toBe(200);
    expect(await exchanges(a)).toBe(1);
    await a.proxy.deps.state.flush();
    const res = await projectsAtBu(b, token);
    expect(res.status).toBe(200);
    expect(res.headers['x-ocx-provider']).toBe('bu-keystone');
    expect(res.body.projects.map((p: { name: string }) => p.name).sort()).toEqual(['demo', 'shared']);
    expect(await exchanges(b)).toBe(0);
    expect(await exchanges(a)).toBe(1);
    expect(await validations(b)).toBe(0);
  });

  it('Redis killed: both keep serving from their local caches; metrics and /readyz say so', async () => {
    const cached = await login(a, 'demo', 'demo-secret');
    expect((await projectsAtBu(a, cached)).status).toBe(200);
    await a.proxy.deps.state.flush();
    expect((await projectsAtBu(b, cached)).status).toBe(200);
    await redis.kill();
    for (const p of [a, b]) {
      await eventually(async () => (await metricValue(p.proxy, 'ocx_shared_state_up', { backend: 'redis' })) === 0);
      const ready = await request(p.server).get('/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body.status).toBe('ready');
      expect(ready.body.shared_state).toEqual({ backend: 'redis', reachable: false });
    }
    // Warm entries keep serving from the local level...
    expect((await projectsAtBu(a, cached)).status).toBe(200);
    expect((await projectsAtBu(b, cached)).status).toBe(200);
    // ...and a new user is served too: each instance validates and exchanges by itself.
    const token = await login(b, 'demo2', 'demo2-secret');
    const beforeA = await exchanges(a);
    const beforeB = await exchanges(b);
    expect((await projectsAtBu(b, token)).status).toBe(200);
    expect((await projectsAtBu(a, token)).status).toBe(200);
    expect((await exchanges(a)) - beforeA).toBe(1);
    expect((await exchanges(b)) - beforeB).toBe(1);
  });
});
