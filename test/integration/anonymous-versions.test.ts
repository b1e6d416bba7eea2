import request from 'supertest';
import { startDemoCloud, type DemoCloud } from '../../src/demo/demo-cloud';
import { passwordAuth, startHarness, type Harness } from '../support/harness';
import { startInstance, type ProxyInstance } from '../support/proxy-instance';

// cinderclient GETs the volume root with no token before every call (Horizon depends on it); openstacksdk GETs
// /compute/v2.1 without a token to negotiate a microversion.
const FORMS = {
  compute: ['/compute', '/compute/', '/compute/v2.1', '/compute/v2.1/'],
  volume: ['/volume', '/volume/', '/volume/v3', '/volume/v3/'],
  image: ['/image', '/image/', '/image/versions'],
} as const;

function selfLinks(body: unknown): string[] {
  return [...JSON.stringify(body).matchAll(/"rel":"self","href":"([^"]+)"/g)].map((m) => m[1] as string);
}

describe('version discovery without a token, nothing read yet (no roots configured)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('answers a conservative default that still negotiates Nova 2.37 and Cinder 3.44, links at the proxy', async () => {
    const volume = await request(h.server).get('/volume/');
    expect(volume.status).toBe(300);
    expect(volume.body.versions[0]).toMatchObject({ id: 'v3.0', status: 'CURRENT', min_version: '3.0' });
    expect(Number(volume.body.versions[0].version.split('.')[1])).toBeGreaterThanOrEqual(44);
    expect(selfLinks(volume.body)).toEqual([`${h.url}/volume/v3/`]);
    const compute = await request(h.server).get('/compute/v2.1');
    expect(compute.status).toBe(200);
    expect(compute.body.version).toMatchObject({ id: 'v2.1', status: 'CURRENT', min_version: '2.1' });
    expect(Number(compute.body.version.version.split('.')[1])).toBeGreaterThanOrEqual(37);
    const image = await request(h.server).get('/image/');
    expect(image.status).toBe(300);
    expect(selfLinks(image.body).every((l) => l === `${h.url}/image/v2/`)).toBe(true);
  });

  it('learns the roots from an authenticated caller, then answers the providers’ document to everyone', async () => {
    const login = await request(h.server)
      .post('/identity/v3/auth/tokens')
      .send(passwordAuth('demo', 'demo-secret', 'demo'));
    const token = login.headers['x-subject-token'] as string;
    const authed = await request(h.server).get('/volume/').set('x-auth-token', token);
    expect(authed.status).toBe(300);
    const anonymous = await request(h.server).get('/volume/');
    expect(anonymous.status).toBe(300);
    expect(anonymous.body).toEqual(authed.body);
    expect(anonymous.body.versions[0].version).toBe('3.70');
    for (const base of Object.values(h.demo.providers).map((p) => p.baseUrl)) {
      expect(JSON.stringify(anonymous.body)).not.toContain(base);
    }
  });
});

describe('version discovery from configured roots', () => {
  let demo: DemoCloud;
  let proxy: ProxyInstance;
  beforeAll(async () => {
    demo = await startDemoCloud();
    const roots = Object.fromEntries(
      Object.values(demo.providers).map((p) => [
        p.name,
        { compute: `${p.baseUrl}/compute`, volume: `${p.baseUrl}/volume`, image: `${p.baseUrl}/image` },
      ]),
    );
    proxy = await startInstance({ ...demo.config, versions: { refresh: '1s', roots } }, '(test)');
  });
  afterAll(async () => {
    await proxy.close();
    await demo.stop();
  });

  it('answers the providers’ own ranges on the very first anonymous call, identical for every path form', async () => {
    const compute = await Promise.all(FORMS.compute.map((p) => request(proxy.server).get(p)));
    const range = (b: { versions?: { id: string }[]; version?: unknown }) =>
      b.version ?? b.versions?.find((v) => v.id === 'v2.1');
    for (const r of compute) {
      expect(r.status).toBe(200);
      expect(range(r.body)).toMatchObject({ id: 'v2.1', version: '2.93', min_version: '2.1' });
    }
    expect(compute[0]?.body).toEqual(compute[1]?.body);
    expect(compute[2]?.body).toEqual(compute[3]?.body);
    expect(compute[0]?.body.versions.map((v: { id: string }) => v.id)).toEqual(['v2.0', 'v2.1']);
    expect(compute[2]?.headers['openstack-api-version']).toBe('compute 2.1');
    expect(compute[2]?.headers['x-openstack-nova-api-version']).toBe('2.1');
    expect(compute[2]?.body.version['media-types'][0].type).toBe('application/vnd.openstack.compute+json;version=2.1');

    const volume = await Promise.all(FORMS.volume.map((p) => request(proxy.server).get(p)));
    expect(volume.map((r) => r.status)).toEqual([300, 300, 200, 200]);
    for (const r of volume) {
      expect(r.body).toEqual(volume[0]?.body);
      expect(r.headers['openstack-api-version']).toBe('volume 3.0');
    }
    expect(volume[0]?.body.versions[0]).toMatchObject({ id: 'v3.0', version: '3.70', min_version: '3.0' });

    const image = await Promise.all(FORMS.image.map((p) => request(proxy.server).get(p)));
    expect(image.map((r) => r.status)).toEqual([300, 300, 200]);
    for (const r of image) expect(r.body).toEqual(image[0]?.body);
    expect(image[0]?.body.versions.find((v: { status: string }) => v.status === 'CURRENT').id).toMatch(/^v2\.\d+$/);
    for (const r of [...compute, ...volume, ...image]) {
      for (const p of Object.values(demo.providers)) expect(JSON.stringify(r.body)).not.toContain(p.baseUrl);
    }
  });

  it('gives the same answer with a token', async () => {
    const login = await request(proxy.server)
      .post('/identity/v3/auth/tokens')
      .send(passwordAuth('demo', 'demo-secret', 'demo'));
    const token = login.headers['x-subject-token'] as string;
    for (const path of [...FORMS.compute, ...FORMS.volume, ...FORMS.image]) {
      const anonymous = await request(proxy.server).get(path);
      const authed = await request(proxy.server).get(path).set('x-auth-token', token);
      expect({ path, status: authed.status, body: authed.body }).toEqual({
        path,
        status: anonymous.status,
        body: anonymous.body,
      });
    }
  });

  it('echoes the negotiated microversion at /compute/v2.1 and refuses one outside the range', async () => {
    const asked = await request(proxy.server).get('/compute/v2.1/').set('openstack-api-version', 'compute 2.37');
    expect(asked.status).toBe(200);
    expect(asked.headers['openstack-api-version']).toBe('compute 2.37');
    const latest = await request(proxy.server).get('/compute/v2.1/').set('x-openstack-nova-api-version', 'latest');
    expect(latest.headers['x-openstack-nova-api-version']).toBe('2.93');
    const tooHigh = await request(proxy.server).get('/compute/v2.1/').set('openstack-api-version', 'compute 2.999');
    expect(tooHigh.status).toBe(406);
  });

  it('keeps serving the last document read while a provider is down', async () => {
    const before = await request(proxy.server).get('/volume/');
    for (const name of Object.keys(demo.providers)) demo.setDown(name, true);
    try {
      await new Promise((r) => setTimeout(r, 1500));
      const during = await request(proxy.server).get('/volume/');
      expect(during.status).toBe(300);
      expect(during.body).toEqual(before.body);
      expect(during.body.versions[0].version).toBe('3.70');
    } finally {
      for (const name of Object.keys(demo.providers)) demo.setDown(name, false);
    }
  });
});
