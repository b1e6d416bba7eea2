import request from 'supertest';
import { passwordAuth, startHarness, type Harness } from '../support/harness';

// A provider dies mid-run. Calls for other providers never fail, merged listings are flagged partial, and
// once the provider is back, listings are whole again within the breaker's cooling period (10 s).
jest.setTimeout(60_000);
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

it('kills bu-keystone mid-run: 0 failed home calls, partial listings, recovery within the cooling period', async () => {
  const login = await request(h.server)
    .post('/identity/v3/auth/tokens')
    .send(passwordAuth('demo', 'demo-secret', 'demo'));
  const token = login.headers['x-subject-token'] as string;
  const project = login.body.token.project.id as string;
  const homeCall = () => request(h.server).get('/identity/v3/auth/projects').set('x-auth-token', token);
  const listing = () => request(h.server).get(`/volume/v3/${project}/volumes`).set('x-auth-token', token);

  const first = await listing();
  expect(first.status).toBe(200);
  expect(first.headers['x-ocx-partial']).toBeUndefined();

  const statuses: number[] = [];
  let running = true;
  const load = (async () => {
    while (running) statuses.push(...(await Promise.all([homeCall(), homeCall(), homeCall()])).map((r) => r.status));
  })();
  await new Promise((r) => setTimeout(r, 300));
  h.demo.setDown('bu-keystone', true);
  const during: Array<string | undefined> = [];
  for (let i = 0; i < 8; i++) {
    const res = await listing();
    expect(res.status).toBe(200);
    during.push(res.headers['x-ocx-partial'] as string | undefined);
  }
  expect(during.every((p) => p === 'bu-keystone')).toBe(true);
  h.demo.setDown('bu-keystone', false);
  const backAt = Date.now();
  let whole = false;
  while (!whole && Date.now() - backAt < 12_000) {
    const res = await listing();
    whole = res.status === 200 && res.headers['x-ocx-partial'] === undefined;
    if (!whole) await new Promise((r) => setTimeout(r, 250));
  }
  running = false;
  await load;
  expect(whole).toBe(true);
  expect(statuses.length).toBeGreaterThan(30);
  expect(statuses.filter((s) => s !== 200)).toEqual([]);
});
