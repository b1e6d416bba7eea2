// Warm at login (src/identity/warm-up.ts): a token issued through the proxy is exchanged (K2K) for every other
// provider in the background, so the first merged listing after login makes no K2K exchange in the request.
import request from 'supertest';
import { passwordAuth, startHarness, type Harness } from '../support/harness';
import { eventually } from '../support/eventually';
import { metric } from '../support/proxy-instance';

const fed = (h: Harness) => h.demo.providers['bu-keystone']!.keystone.stats.federatedTokens ?? 0;
const warmed = (h: Harness, result = 'ok') => metric(h.proxy, 'ocx_warmups_total', { provider: 'bu-keystone', result });
const exchanges = (h: Harness) => metric(h.proxy, 'ocx_k2k_exchanges_total', { provider: 'bu-keystone' });

async function login(h: Harness, scoped = true) {
  const res = await request(h.server)
    .post('/identity/v3/auth/tokens')
    .send(passwordAuth('demo', 'demo-secret', scoped ? 'demo' : undefined));
  expect(res.status).toBe(201);
  return res.headers['x-subject-token'] as string;
}

describe('warm at login', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('the first merged listing after login makes no K2K exchange in the request', async () => {
    const token = await login(h);
    await eventually(async () => (await warmed(h)) === 1);
    expect(await exchanges(h)).toBe(1);
    const before = fed(h);
    const res = await request(h.server).get('/compute/v2.1/servers/detail').set('x-auth-token', token);
    expect(res.status).toBe(200);
    expect(res.headers['x-ocx-partial']).toBeUndefined();
    expect(fed(h)).toBe(before);
    expect(await exchanges(h)).toBe(1);
  });

  it('a listing made the instant the login answers joins the warm-up exchange instead of starting another', async () => {
    const fedBefore = fed(h);
    const exchangesBefore = await exchanges(h);
    const token = await login(h);
    // At once, while the warm-up's exchange (five calls to the demo Keystones) is still in flight.
    const listings = await Promise.all(
      [1, 2, 3].map(() => request(h.server).get('/compute/v2.1/servers/detail').set('x-auth-token', token)),
    );
    for (const res of listings) {
      expect(res.status).toBe(200);
      expect(res.headers['x-ocx-partial']).toBeUndefined();
    }
    await h.proxy.deps.warmUp?.idle();
    expect(fed(h) - fedBefore).toBe(1);
    expect((await exchanges(h)) - exchangesBefore).toBe(1);
  });

  it('an unscoped token is not warmed', async () => {
    const done = await warmed(h);
    await login(h, false);
    await new Promise((r) => setTimeout(r, 200));
    expect(await warmed(h)).toBe(done);
    expect(await warmed(h, 'error')).toBe(0);
  });
});

describe('warm_at_login: false', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: { cache: { warm_at_login: false } } });
  });
  afterAll(() => h.close());

  it('the first merged listing pays the exchange itself', async () => {
    const token = await login(h);
    await new Promise((r) => setTimeout(r, 200));
    expect(await exchanges(h)).toBe(0);
    const before = fed(h);
    expect((await request(h.server).get('/compute/v2.1/servers/detail').set('x-auth-token', token)).status).toBe(200);
    expect(fed(h)).toBeGreaterThan(before);
    expect(await exchanges(h)).toBe(1);
    expect(await warmed(h)).toBe(0);
  });
});
