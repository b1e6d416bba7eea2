import request from 'supertest';
import { passwordAuth, startHarness, type Harness } from '../../support/harness';
import { metric } from '../../support/proxy-instance';

// A user whose home project has no project at a provider (demo user `other`: none at bu-keystone) holds nothing
// there. That provider is skipped, not failed: a miss is a 404 (CLIs fall back to a name search only on 404),
// listings carry no X-OCX-Partial, and the failing K2K exchange is not repeated on every request.

const BU = 'bu-keystone';
const MISSING = '00000000-0000-0000-0000-000000000000';

let h: Harness;
let token: string;
let account: string;

beforeAll(async () => {
  h = await startHarness({ config: { cache: { k2k_negative_ttl: '30s' } } });
  const login = await request(h.server)
    .post('/identity/v3/auth/tokens')
    .send(passwordAuth('other', 'other-secret', 'other'));
  expect(login.status).toBe(201);
  token = login.headers['x-subject-token'] as string;
  account = `/object-store/v1/AUTH_${login.body.token.project.id as string}`;
});
afterAll(() => h.close());

const get = (path: string) => request(h.server).get(path).set('x-auth-token', token);
const k2kErrors = () => metric(h.proxy, 'ocx_k2k_exchanges_total', { provider: BU, result: 'error' });

describe('a provider where the caller has no project is absent, not failed', () => {
  it('a server found nowhere is 404, not 503', async () => {
    const res = await get(`/compute/v2.1/servers/${MISSING}`);
    expect(res.status).toBe(404);
    expect(res.body.itemNotFound).toBeDefined();
  });

  it('an image found nowhere is 404', async () => {
    expect((await get(`/image/v2/images/${MISSING}`)).status).toBe(404);
  });

  it('listings answer without X-OCX-Partial', async () => {
    const servers = await get('/compute/v2.1/servers');
    expect(servers.status).toBe(200);
    expect(servers.headers['x-ocx-partial']).toBeUndefined();
    const images = await get('/image/v2/images');
    expect(images.status).toBe(200);
    expect(images.headers['x-ocx-partial']).toBeUndefined();
  });

  it('Swift: a container found nowhere is 404 and the account listing is whole', async () => {
    expect((await get(`${account}/nosuch`)).status).toBe(404);
    const listing = await get(`${account}?format=json`);
    expect(listing.status).toBe(200);
    expect(listing.headers['x-ocx-partial']).toBeUndefined();
    const head = await request(h.server).head(account).set('x-auth-token', token);
    expect(head.status).toBe(204);
    expect(head.headers['x-ocx-partial']).toBeUndefined();
  });

  it('the failed exchange is not repeated on every request', async () => {
    await get(`/compute/v2.1/servers/${MISSING}`);
    const before = await k2kErrors();
    const ecpBefore = h.demo.providers['home']!.keystone.stats.ecpAssertions ?? 0;
    for (let i = 0; i < 10; i++) {
      expect((await get(`/compute/v2.1/servers/${MISSING}`)).status).toBe(404);
      expect((await get(`${account}/nosuch`)).status).toBe(404);
    }
    expect(await k2kErrors()).toBe(before);
    expect(h.demo.providers['home']!.keystone.stats.ecpAssertions ?? 0).toBe(ecpBefore);
  });

  it('naming the provider explicitly still says why', async () => {
    const res = await get(`/compute/v2.1/servers/${MISSING}`).set('x-ocx-provider', BU);
    expect(res.status).toBe(403);
  });
});

describe('a provider that is down still fails (503, X-OCX-Partial), and briefly', () => {
  let demoToken: string;
  beforeAll(async () => {
    const login = await request(h.server)
      .post('/identity/v3/auth/tokens')
      .send(passwordAuth('demo2', 'demo2-secret', 'demo'));
    demoToken = login.headers['x-subject-token'] as string;
  });
  afterAll(() => h.demo.setDown(BU, false));

  it('a miss is 503 while the provider is down and 404 as soon as it is back', async () => {
    h.demo.setDown(BU, true);
    const down = await request(h.server).get(`/compute/v2.1/servers/${MISSING}`).set('x-auth-token', demoToken);
    expect(down.status).toBe(503);
    const listing = await request(h.server).get('/compute/v2.1/servers').set('x-auth-token', demoToken);
    expect(listing.status).toBe(200);
    expect(listing.headers['x-ocx-partial']).toBe(BU);
    h.demo.setDown(BU, false);
    const back = await request(h.server).get(`/compute/v2.1/servers/${MISSING}`).set('x-auth-token', demoToken);
    expect(back.status).toBe(404);
  });
});
