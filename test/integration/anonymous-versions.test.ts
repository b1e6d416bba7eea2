import request from 'supertest';
import { passwordAuth, startHarness, type Harness } from '../support/harness';

// cinderclient GETs the volume root with no token before every call (Horizon depends on it).
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('version discovery without a token', () => {
  it('answers Cinder, Nova and Glance roots anonymously with links at the proxy', async () => {
    const volume = await request(h.server).get('/volume/');
    expect(volume.status).toBe(300);
    expect(volume.body.versions[0]).toMatchObject({ id: 'v3.0', min_version: '3.0' });
    expect(volume.body.versions[0].links[0].href).toBe(`${h.url}/volume/v3/`);
    const compute = await request(h.server).get('/compute/');
    expect(compute.status).toBe(200);
    expect(compute.body.versions[0].id).toBe('v2.1');
    const image = await request(h.server).get('/image/');
    expect([200, 300]).toContain(image.status);
    expect(JSON.stringify(image.body)).toContain(`${h.url}/image/v2`);
  });

  it('serves the merged document learnt from an authenticated caller afterwards', async () => {
    const login = await request(h.server)
      .post('/identity/v3/auth/tokens')
      .send(passwordAuth('demo', 'demo-secret', 'demo'));
    const token = login.headers['x-subject-token'] as string;
    const authed = await request(h.server).get('/volume/').set('x-auth-token', token);
    expect(authed.status).toBe(300);
    const anonymous = await request(h.server).get('/volume/');
    expect(anonymous.status).toBe(300);
    expect(anonymous.body).toEqual(authed.body);
    expect(anonymous.body.versions[0].version).not.toBe('3.0');
    for (const base of Object.values(h.demo.providers).map((p) => p.baseUrl)) {
      expect(JSON.stringify(anonymous.body)).not.toContain(base);
    }
  });
});
