import request from 'supertest';
import { eventually } from '../support/eventually';
import { passwordAuth, startHarness, type Harness } from '../support/harness';
import { sumMetric } from '../support/prometheus-text';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

async function login(user = 'demo', password = 'demo-secret'): Promise<string> {
  const res = await request(h.server)
    .post('/identity/v3/auth/tokens')
    .send(passwordAuth(user, password, 'demo'));
  expect(res.status).toBe(201);
  return res.headers['x-subject-token'] as string;
}

const bu = () => h.demo.providers['bu-keystone']!;
const projectsAtBu = (token: string) =>
  request(h.server).get('/identity/v3/auth/projects').set('x-auth-token', token).set('x-ocx-provider', 'bu-keystone');

describe('K2K: X-OCX-Provider targets a provider with a provider token', () => {
  it('answers the provider projects for the federated user', async () => {
    const token = await login();
    const res = await projectsAtBu(token);
    expect(res.status).toBe(200);
    expect(res.headers['x-ocx-provider']).toBe('bu-keystone');
    const names = res.body.projects.map((p: { name: string }) => p.name).sort();
    expect(names).toEqual(expect.arrayContaining(['demo', 'shared']));
    const ids = res.body.projects.map((p: { id: string }) => p.id);
    expect(ids).toContain(bu().projects['demo']);
    // The provider saw a provider token, never the home token.
    const seen = bu().keystone.requests.filter((r) => r.path.endsWith('/v3/auth/projects'));
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((r) => r.headers['x-auth-token'] !== token)).toBe(true);
    expect(res.text).not.toContain(bu().baseUrl);
  });

  it('50 concurrent requests cause exactly one K2K exchange', async () => {
    const token = await login('demo2', 'demo2-secret');
    const before = bu().keystone.stats.federatedTokens ?? 0;
    const ecpBefore = h.demo.providers['home']!.keystone.stats.ecpAssertions ?? 0;
    const results = await Promise.all(Array.from({ length: 50 }, () => projectsAtBu(token)));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect((bu().keystone.stats.federatedTokens ?? 0) - before).toBe(1);
    expect((h.demo.providers['home']!.keystone.stats.ecpAssertions ?? 0) - ecpBefore).toBe(1);
    const metrics = await request(h.server).get('/metrics');
    expect(metrics.text).toMatch(/ocx_k2k_exchanges_total\{provider="bu-keystone",result="ok"\} \d+/);
  });

  it('a provider token revoked at the provider is replaced by one fresh exchange', async () => {
    const token = await login();
    expect((await projectsAtBu(token)).status).toBe(200);
    const before = bu().keystone.stats.federatedTokens ?? 0;
    // Revoke every live token at the provider (the operator's view of "revoked at the provider").
    for (const rec of bu().keystone.store.tokens.values()) rec.revoked = true;
    const res = await projectsAtBu(token);
    expect(res.status).toBe(200);
    expect((bu().keystone.stats.federatedTokens ?? 0) - before).toBe(1);
  });

  it('a revoked home token gives 401 everywhere', async () => {
    const token = await login();
    expect((await projectsAtBu(token)).status).toBe(200);
    const del = await request(h.server)
      .delete('/identity/v3/auth/tokens')
      .set('x-auth-token', token)
      .set('x-subject-token', token);
    expect(del.status).toBe(204);
    const atBu = await projectsAtBu(token);
    expect(atBu.status).toBe(401);
    expect(atBu.body.error.code).toBe(401);
    const atHome = await request(h.server).get('/identity/v3/auth/projects').set('x-auth-token', token);
    expect(atHome.status).toBe(401);
  });

  it('an unknown provider is a 400 naming the known ones', async () => {
    const token = await login();
    const res = await request(h.server)
      .get('/identity/v3/auth/projects')
      .set('x-auth-token', token)
      .set('x-ocx-provider', 'mars');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('Unknown provider "mars". Known providers: home, bu-keystone.');
  });

  it('a provider that is down gives 503 for calls to it while home calls still work', async () => {
    const token = await login('demo2', 'demo2-secret');
    h.demo.setDown('bu-keystone', true);
    try {
      // A fresh user needs an exchange, which cannot reach the provider.
      const fresh = await login('demo');
      const res = await projectsAtBu(fresh);
      expect(res.status).toBe(503);
      expect(res.body.error).toMatchObject({ code: 503, title: 'Service Unavailable' });
      expect(res.text).not.toContain(bu().baseUrl);
      const home = await request(h.server).get('/identity/v3/auth/projects').set('x-auth-token', token);
      expect(home.status).toBe(200);
    } finally {
      h.demo.setDown('bu-keystone', false);
    }
  });

  it("a later login's exchange reuses the provider project found by the first: no project listing", async () => {
    const exchanged = async () =>
      sumMetric((await request(h.server).get('/metrics')).text, 'ocx_k2k_exchanges_total', {
        provider: 'bu-keystone',
        result: 'ok',
      });
    const listings = () => bu().keystone.requests.filter((r) => r.path.endsWith('/v3/auth/projects')).length;
    // demo-admin has not logged in before in this file: its first exchange (the warm-up at login) lists its projects.
    let before = await exchanged();
    const firstListings = listings();
    await login('demo-admin', 'demo-admin-secret');
    await eventually(async () => (await exchanged()) === before + 1);
    expect(listings() - firstListings).toBe(1);
    before = await exchanged();
    const secondListings = listings();
    const token = await login('demo-admin', 'demo-admin-secret');
    await eventually(async () => (await exchanged()) === before + 1);
    expect(listings() - secondListings).toBe(0);
    // The remembered project is the one the provider scopes the new token to.
    const res = await projectsAtBu(token);
    expect(res.status).toBe(200);
    expect(res.body.projects.map((p: { id: string }) => p.id)).toContain(bu().projects['demo']);

    // The provider re-creates its project under the same name: the remembered id is refused at scope time, and
    // the exchange lists the projects again and scopes to the new one.
    const store = bu().keystone.store;
    const oldId = bu().projects['demo'] as string;
    const oldProject = store.projects.get(oldId)!;
    store.projects.delete(oldId);
    const renewed = store.addProject('demo');
    try {
      before = await exchanged();
      const thirdListings = listings();
      await login('demo-admin', 'demo-admin-secret');
      await eventually(async () => (await exchanged()) === before + 1);
      expect(listings() - thirdListings).toBe(1);
    } finally {
      store.projects.delete(renewed.id);
      store.projects.set(oldId, oldProject);
    }
  });

  it('never logs a token', async () => {
    const token = await login();
    await projectsAtBu(token);
    const all = h.logs.join('');
    expect(all).not.toContain(token);
    for (const rec of bu().keystone.store.tokens.keys()) expect(all).not.toContain(rec);
  });
});
