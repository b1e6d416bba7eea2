// Two proxy instances sharing one real redis-server, in front of the demo cloud: what one instance learns
// (token validation, K2K provider token, resource location) the other reuses; a revocation through one reaches the
// other; Redis down → both keep serving from their local caches and say so in metrics and /readyz.
import Redis from 'ioredis';
import request from 'supertest';
import { startDemoCloud, type DemoCloud } from '../../src/demo/demo-cloud';
import { tokenDigest } from '../../src/state/token-key';
import { authenticate } from '../../src/identity/caller';
import { passwordAuth } from '../support/harness';
import { eventually } from '../support/eventually';
import { startRedis, testEncryptionKey, type TestRedis } from '../support/redis-server';
import { metric, startInstance, type ProxyInstance } from '../support/proxy-instance';

let demo: DemoCloud;
let redis: TestRedis;
let a: ProxyInstance;
let b: ProxyInstance;

beforeAll(async () => {
  [demo, redis] = await Promise.all([startDemoCloud(), startRedis()]);
  const state = { backend: 'redis', redis_url: redis.url, encryption_key: testEncryptionKey() };
  [a, b] = await Promise.all([
    startInstance({ ...demo.config, state }, '(test a)'),
    startInstance({ ...demo.config, state }, '(test b)'),
  ]);
  await eventually(async () => (await a.proxy.deps.state.status()).reachable);
  await eventually(async () => (await b.proxy.deps.state.status()).reachable);
});
afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
  await Promise.all([demo.stop(), redis.stop()]);
});

const bu = () => demo.providers['bu-keystone']!;
const home = () => demo.providers['home']!;
async function login(via: ProxyInstance, user = 'demo', password = 'demo-secret') {
  const res = await request(via.server)
    .post('/identity/v3/auth/tokens')
    .send(passwordAuth(user, password, 'demo'));
  expect(res.status).toBe(201);
  return {
    token: res.headers['x-subject-token'] as string,
    projectId: res.body.token.project.id as string,
    userId: res.body.token.user.id as string,
  };
}
const projectsAtBu = (via: ProxyInstance, token: string) =>
  request(via.server).get('/identity/v3/auth/projects').set('x-auth-token', token).set('x-ocx-provider', 'bu-keystone');
const exchanges = (p: ProxyInstance) => metric(p.proxy, 'ocx_k2k_exchanges_total', { provider: 'bu-keystone' });
const validations = (p: ProxyInstance) => metric(p.proxy, 'ocx_token_validations_total', { result: 'valid' });

describe('two instances, one Redis', () => {
  it('login and a K2K call through A; the same calls through B need no validation and no exchange', async () => {
    const { token } = await login(a);
    expect((await projectsAtBu(a, token)).status).toBe(200);
    expect(await exchanges(a)).toBe(1);
    const fedBefore = bu().keystone.stats.federatedTokens ?? 0;
    await a.proxy.deps.state.flush();
    const res = await projectsAtBu(b, token);
    expect(res.status).toBe(200);
    expect(res.body.projects.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['demo', 'shared']));
    expect(await exchanges(b)).toBe(0);
    expect(await validations(b)).toBe(0);
    expect((bu().keystone.stats.federatedTokens ?? 0) - fedBefore).toBe(0);
  });

  it('a volume located by A (broadcast) is routed by B without asking every provider', async () => {
    const me = await login(a);
    const p = bu();
    const id = p.volume.seed(p.projects['demo'] as string, 'u', [
      { name: 'shared-loc', size: 1, createdAt: Date.now() },
    ])[0]!.id;
    const show = (via: ProxyInstance) =>
      request(via.server).get(`/volume/v3/${me.projectId}/volumes/${id}`).set('x-auth-token', me.token);
    expect((await show(a)).headers['x-ocx-provider']).toBe('bu-keystone');
    await a.proxy.deps.state.flush();
    const homeBefore = home().volume.requests.length;
    const res = await show(b);
    expect(res.status).toBe(200);
    expect(res.headers['x-ocx-provider']).toBe('bu-keystone');
    expect(
      home()
        .volume.requests.slice(homeBefore)
        .filter((r) => r.path.includes(id)),
    ).toHaveLength(0);
  });

  it('a container that gains a second cluster through A is found there by B, which knew it at home only', async () => {
    const me = await login(a);
    const at = (path: string) => `/v1/AUTH_${me.projectId}/${path}`;
    const head = (via: ProxyInstance, path: string) => request(via.server).head(at(path)).set('x-auth-token', me.token);
    const put = (path: string) => request(a.server).put(at(path)).set('x-auth-token', me.token);
    expect((await put('spread')).status).toBe(201);
    await a.proxy.deps.state.flush();
    expect((await head(b, 'spread')).headers['x-ocx-provider']).toBe('home');
    expect((await put('spread@bu-keystone')).status).toBe(201);
    expect((await put('spread@bu-keystone/at-bu').send('bytes')).status).toBe(201);
    await a.proxy.deps.state.flush();
    await eventually(async () => (await head(b, 'spread/at-bu')).status === 200, 3_000);
    expect((await head(b, 'spread/at-bu')).headers['x-ocx-provider']).toBe('bu-keystone');
    expect((await head(b, 'spread')).headers['x-ocx-provider']).toBe('home,bu-keystone');
  });

  it('a token revoked through A is refused by B, which had it cached', async () => {
    const { token } = await login(a);
    await a.proxy.deps.state.flush();
    expect((await request(b.server).get('/identity/v3/auth/projects').set('x-auth-token', token)).status).toBe(200);
    const del = await request(a.server)
      .delete('/identity/v3/auth/tokens')
      .set('x-auth-token', token)
      .set('x-subject-token', token);
    expect(del.status).toBe(204);
    await eventually(
      async () => (await request(b.server).get('/identity/v3/auth/projects').set('x-auth-token', token)).status === 401,
    );
  });

  describe('without warm-up at login (first calls race)', () => {
    let c: ProxyInstance;
    let d: ProxyInstance;
    beforeAll(async () => {
      const state = { backend: 'redis', redis_url: redis.url, encryption_key: testEncryptionKey() };
      const cache = { warm_at_login: false };
      [c, d] = await Promise.all([
        startInstance({ ...demo.config, state, cache }, '(test c)'),
        startInstance({ ...demo.config, state, cache }, '(test d)'),
      ]);
      await eventually(async () => (await c.proxy.deps.state.status()).reachable);
      await eventually(async () => (await d.proxy.deps.state.status()).reachable);
    });
    afterAll(async () => Promise.all([c.close(), d.close()]));
    const both = async () => (await exchanges(c)) + (await exchanges(d));

    it('concurrent first calls through two instances make one K2K exchange between them', async () => {
      const { token } = await login(c, 'demo2', 'demo2-secret');
      const before = await both();
      const calls = Array.from({ length: 20 }, (_, i) => projectsAtBu(i % 2 ? d : c, token));
      const statuses = (await Promise.all(calls)).map((r) => r.status);
      expect(statuses).toEqual(Array(20).fill(200));
      expect((await both()) - before).toBe(1);
    });

    it('a provider token revoked at the provider: one fresh exchange, then both instances use the new one', async () => {
      const { token } = await login(c);
      expect((await projectsAtBu(c, token)).status).toBe(200);
      await c.proxy.deps.state.flush();
      expect((await projectsAtBu(d, token)).status).toBe(200);
      const caller = await authenticate({ 'x-auth-token': token }, c.proxy.deps.validator);
      const old = (await c.proxy.deps.sessions.get(caller, 'bu-keystone')).token;
      const revoke = await fetch(`${bu().baseUrl}/identity/v3/auth/tokens`, {
        method: 'DELETE',
        headers: { 'x-auth-token': old, 'x-subject-token': old },
      });
      expect(revoke.status).toBe(204);
      const before = await both();
      expect((await projectsAtBu(d, token)).status).toBe(200);
      expect((await both()) - before).toBe(1);
      await d.proxy.deps.state.flush();
      await eventually(async () => (await projectsAtBu(c, token)).status === 200);
      expect((await both()) - before).toBe(1);
    });
  });

  it('Redis killed: both instances keep serving, /metrics and /readyz say so; Redis back: shared again', async () => {
    await redis.kill();
    for (const p of [a, b]) {
      await eventually(async () => (await metric(p.proxy, 'ocx_shared_state_up', { backend: 'redis' })) === 0);
      const ready = await request(p.server).get('/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body.shared_state).toEqual({ backend: 'redis', reachable: false });
      expect((await request(p.server).get('/metrics')).text).toContain('ocx_shared_state_up{backend="redis"} 0');
    }
    const { token } = await login(a, 'demo2', 'demo2-secret');
    expect((await projectsAtBu(a, token)).status).toBe(200);
    expect((await projectsAtBu(b, token)).status).toBe(200);
    expect(b.logs.join('')).toContain('shared state (redis) unreachable');

    await redis.restart();
    for (const p of [a, b]) await eventually(async () => (await p.proxy.deps.state.status()).reachable, 15_000);
    const ready = await request(a.server).get('/readyz');
    expect(ready.body.shared_state).toEqual({ backend: 'redis', reachable: true });
    const again = await login(b, 'demo2', 'demo2-secret');
    await b.proxy.deps.state.flush();
    const before = await exchanges(a);
    await projectsAtBu(b, again.token);
    await b.proxy.deps.state.flush();
    expect((await projectsAtBu(a, again.token)).status).toBe(200);
    expect(await exchanges(a)).toBe(before);
  });

  it('Redis holds no token, password, user or provider URL in the clear; the logs no token', async () => {
    const { token, userId, projectId } = await login(a);
    expect((await projectsAtBu(a, token)).status).toBe(200);
    await a.proxy.deps.state.flush();
    const raw = new Redis(redis.url);
    try {
      const keys = await raw.keys('*');
      expect(keys.length).toBeGreaterThan(2);
      const values = await Promise.all(keys.map((k) => raw.get(k)));
      const dump = keys.join('\n') + values.join('\n');
      for (const secret of [token, tokenDigest(token), 'demo-secret', userId, projectId, bu().baseUrl, '127.0.0.1']) {
        expect(dump).not.toContain(secret);
      }
      expect(values.every((v) => v?.split('.').length === 5)).toBe(true);
    } finally {
      raw.disconnect();
    }
    expect(a.logs.join('')).not.toContain(token);
    expect(b.logs.join('')).not.toContain(token);
  });
});
