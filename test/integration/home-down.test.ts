import request from 'supertest';
import { passwordAuth, startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('home Keystone down', () => {
  it('logins answer 503 in Keystone format and /readyz fails, then both recover', async () => {
    h.demo.setDown('home', true);
    try {
      const res = await request(h.server)
        .post('/identity/v3/auth/tokens')
        .send(passwordAuth('demo', 'demo-secret', 'demo'));
      expect(res.status).toBe(503);
      expect(res.body.error).toMatchObject({ code: 503, title: 'Service Unavailable' });
      expect(res.text).not.toContain(h.demo.providers['home']!.baseUrl);
      const ready = await request(h.server).get('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.home.reachable).toBe(false);
      expect((await request(h.server).get('/healthz')).status).toBe(200);
      const validate = await request(h.server)
        .get('/identity/v3/auth/catalog')
        .set('x-auth-token', 'some-unknown-token');
      expect(validate.status).toBe(503);
    } finally {
      h.demo.setDown('home', false);
    }
    // The breaker may hold calls back for its cooling period; recovery is checked via readiness polling.
    let ready = 503;
    for (let i = 0; i < 50 && ready !== 200; i++) {
      ready = (await request(h.server).get('/readyz')).status;
      if (ready !== 200) await new Promise((r) => setTimeout(r, 300));
    }
    expect(ready).toBe(200);
  });
});
