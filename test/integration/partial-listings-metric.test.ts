import request from 'supertest';
import { passwordAuth, startHarness, type Harness } from '../support/harness';

// docs/operations.md alerts on ocx_partial_listings_total: it must count the partial answers of every front, the
// Nova, Cinder and Glance listings as well as Swift's, once per answer and missing provider.
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

function count(metrics: string, service: string, provider: string): number {
  const line = metrics
    .split('\n')
    .find((l) => l.startsWith(`ocx_partial_listings_total{service="${service}",provider="${provider}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

it('a listing answered without bu-keystone counts once per answer, for compute, volume and image', async () => {
  const login = await request(h.server)
    .post('/identity/v3/auth/tokens')
    .send(passwordAuth('demo', 'demo-secret', 'demo'));
  const token = login.headers['x-subject-token'] as string;
  const project = login.body.token.project.id as string;
  const listings: Record<string, string> = {
    compute: '/compute/v2.1/servers',
    volume: `/volume/v3/${project}/volumes`,
    image: '/image/v2/images',
  };
  for (const path of Object.values(listings)) {
    const whole = await request(h.server).get(path).set('x-auth-token', token);
    expect(whole.status).toBe(200);
    expect(whole.headers['x-ocx-partial']).toBeUndefined();
  }
  const before = (await request(h.server).get('/metrics')).text;
  for (const service of Object.keys(listings)) expect(count(before, service, 'bu-keystone')).toBe(0);

  h.demo.setDown('bu-keystone', true);
  for (const path of Object.values(listings)) {
    for (let i = 0; i < 2; i++) {
      const res = await request(h.server).get(path).set('x-auth-token', token);
      expect(res.status).toBe(200);
      expect(res.headers['x-ocx-partial']).toBe('bu-keystone');
    }
  }
  const after = (await request(h.server).get('/metrics')).text;
  for (const service of Object.keys(listings)) expect(count(after, service, 'bu-keystone')).toBe(2);
  expect(count(after, 'compute', 'home')).toBe(0);
});
