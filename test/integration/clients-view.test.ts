// What Nova, Cinder and Glance clients read from the proxy's answers, against the demo cloud: microversion headers
// on merged answers, chunked image uploads, empty ids kept for the service to answer.
import { request as httpRequest } from 'node:http';
import request from 'supertest';
import { demoLoginPerFile, received } from './compute-support';

const { h, me, bu, home, get, post } = demoLoginPerFile();

describe('microversion headers on merged answers', () => {
  it.each(['/compute/v2.1/servers', '/compute/v2.1/servers/detail'])('%s echoes the Nova microversion', async (p) => {
    const res = await get(p, { 'openstack-api-version': 'compute 2.37' });
    expect(res.status).toBe(200);
    expect(res.headers['openstack-api-version']).toBe('compute 2.37');
    expect(res.headers['x-openstack-nova-api-version']).toBe('2.37');
    expect(res.headers['vary']).toMatch(/OpenStack-API-Version/);
  });

  it.each(['volumes', 'volumes/detail', 'snapshots/detail', 'types', 'os-availability-zone'])(
    'volume %s echoes the Cinder microversion',
    async (p) => {
      const res = await get(`/volume/v3/${me().projectId}/${p}`, { 'openstack-api-version': 'volume 3.44' });
      expect(res.status).toBe(200);
      expect(res.headers['openstack-api-version']).toBe('volume 3.44');
      expect(res.headers['vary']).toMatch(/OpenStack-API-Version/);
    },
  );
});

describe('chunked image upload', () => {
  it('streams Transfer-Encoding: chunked data (no Content-Length) to the image’s provider: 204', async () => {
    const created = await post('/image/v2/images', {
      name: 'chunked@bu-keystone',
      disk_format: 'raw',
      container_format: 'bare',
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const parts = [Buffer.alloc(70_000, 1), Buffer.alloc(50_000, 2)];
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${h().url}/image/v2/images/${id}/file`, {
        method: 'PUT',
        headers: { 'x-auth-token': me().token, 'content-type': 'application/octet-stream' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write(parts[0]);
      setTimeout(() => req.end(parts[1]), 20);
    });
    expect(status).toBe(204);
    expect(bu().image.images.get(id)?.data?.equals(Buffer.concat(parts))).toBe(true);
  });
});

describe('empty ids', () => {
  it.each([
    ['image', 'GET', '/image/v2/images/', /^\/image\/v2\/images\/$/],
    ['image', 'DELETE', '/image/v2/images/', /^\/image\/v2\/images\/$/],
    ['compute', 'GET', '/compute/v2.1/os-volumes/', /^\/compute\/v2\.1\/os-volumes\/$/],
    ['compute', 'GET', '/compute/v2.1/servers/', /^\/compute\/v2\.1\/servers\/$/],
  ] as const)('%s %s %s goes to the home service with its slash, not to a merged listing', async (svc, m, p, seen) => {
    const log = home()[svc].requests;
    const from = log.length;
    const buFrom = bu()[svc].requests.length;
    const res = await request(h().server)[m === 'GET' ? 'get' : 'delete'](p).set('x-auth-token', me().token);
    expect(res.headers['x-ocx-provider']).toBe('home');
    expect(received(log, from, m, seen)).toHaveLength(1);
    expect(received(bu()[svc].requests, buFrom, m, /./)).toHaveLength(0);
  });

  it('GET /volume/v3/{project}/volumes/ keeps its slash at the home Cinder', async () => {
    const from = home().volume.requests.length;
    const res = await get(`/volume/v3/${me().projectId}/volumes/`);
    expect(res.headers['x-ocx-provider']).toBe('home');
    expect(received(home().volume.requests, from, 'GET', /\/volumes\/$/)).toHaveLength(1);
  });
});

describe('where a resource lives', () => {
  it('server and volume zones read PROVIDER:zone in listings and shows; shows name the provider', async () => {
    const servers = await get('/compute/v2.1/servers/detail');
    expect(servers.status).toBe(200);
    const zones = (servers.body.servers as Record<string, unknown>[]).map((s) => s['OS-EXT-AZ:availability_zone']);
    expect(zones.length).toBeGreaterThan(0);
    for (const z of zones) expect(String(z)).toMatch(/^(home|bu-keystone)(:|$)/);
    const atBu = (servers.body.servers as { id: string; 'OS-EXT-AZ:availability_zone': string }[]).find((s) =>
      s['OS-EXT-AZ:availability_zone'].startsWith('bu-keystone'),
    );
    expect(atBu).toBeDefined();
    const show = await get(`/compute/v2.1/servers/${atBu?.id}`);
    expect(show.headers['x-ocx-provider']).toBe('bu-keystone');
    expect(show.body.server['OS-EXT-AZ:availability_zone']).toBe(atBu?.['OS-EXT-AZ:availability_zone']);

    const volumes = await get(`/volume/v3/${me().projectId}/volumes/detail`);
    const vz = (volumes.body.volumes as { id: string; availability_zone: string }[]).map((v) => v.availability_zone);
    for (const z of vz) expect(z).toMatch(/^(home|bu-keystone)(:|$)/);
  });

  it('a volume created with the zone a listing shows goes back to that provider with the zone part', async () => {
    const zone = 'nova';
    const from = bu().volume.requests.length;
    const res = await post(`/volume/v3/${me().projectId}/volumes`, {
      volume: { size: 1, name: 'zone-trip', availability_zone: `bu-keystone:${zone}` },
    });
    expect(res.status).toBe(202);
    expect(res.headers['x-ocx-provider']).toBe('bu-keystone');
    const [seen] = received(bu().volume.requests, from, 'POST', /\/volumes$/);
    expect((seen?.body as { volume: Record<string, unknown> }).volume['availability_zone']).toBe(zone);
  });
});
