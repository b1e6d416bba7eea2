// The routers mounted at the listener root (health, Swift) are entered only for their own first path segments
// (underFirstSegments, src/http/middleware.ts); Express matches their routes case-insensitively and with a
// trailing slash, so those spellings must still reach them, and every other path must reach the fronts.
import request from 'supertest';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('routers at the root', () => {
  it('/healthz in another case and with a trailing slash is still the health check', async () => {
    for (const path of ['/healthz', '/HEALTHZ/', '/Healthz']) {
      const res = await request(h.server).get(path);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
    }
  });

  it('/INFO is still answered by the Swift front, and an OPTIONS on a health route gets the router Allow answer', async () => {
    // Before any login the demo's Swift bases are not known yet: /info answers 503, from the Swift front.
    const info = await request(h.server).get('/info');
    const upper = await request(h.server).get('/INFO');
    expect(upper.status).not.toBe(404);
    expect(upper.status).toBe(info.status);
    expect(upper.text).toContain('/info');
    const options = await request(h.server).options('/metrics');
    expect(options.status).toBe(200);
    expect(options.headers['allow']).toContain('GET');
  });

  it('a path under no root router is answered by its front, or 404 in the proxy format', async () => {
    const versions = await request(h.server).get('/compute/');
    expect(versions.status).toBe(200);
    const missing = await request(h.server).get('/healthzz');
    expect(missing.status).toBe(404);
  });
});
