// startDemoCloud: one server per provider, the config in docs/configuration.md's shape, seeds that make merged
// listings visible, outages and shutdown.
import { existsSync } from 'node:fs';
import { configSchema } from '../../../src/config/schema';
import { startDemoCloud } from '../../../src/demo/demo-cloud';
import type { DemoCloud } from '../../../src/demo/demo-cloud';

let cloud: DemoCloud;
beforeAll(async () => {
  cloud = await startDemoCloud({ providers: ['home', 'bu-keystone', 'nu-keystone'], tokenLifetimeSec: 600 });
});
afterAll(() => cloud.stop());

describe('startDemoCloud', () => {
  it('returns a config that passes the config schema', () => {
    const c = cloud.config;
    expect(c.home).toBe('home');
    expect(c.listen).toEqual({ host: '127.0.0.1', port: 0 });
    expect(c.catalog.region).toBe('RegionOne');
    expect(existsSync(c.catalog.template)).toBe(true);
    expect(c.providers.home).toEqual({
      keystone_url: `${cloud.providers.home?.baseUrl}/identity`,
      priority: 1,
      provider_token_callbacks: true,
      offer: expect.objectContaining({ display_name: 'Home Cloud', currency: 'EUR' }),
    });
    expect(c.providers['nu-keystone']).toMatchObject({ sp_id: 'nu-keystone', priority: 3 });
    const parsed = configSchema.safeParse(c);
    expect(parsed.success).toBe(true);
  });

  it('runs one server per provider with every service under its devstack path', async () => {
    for (const p of Object.values(cloud.providers)) {
      expect(p.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const paths = ['/identity/v3', '/compute/v2.1', '/volume/v3/', '/image/versions', '/info'];
      const statuses = await Promise.all(paths.map(async (path) => (await fetch(`${p.baseUrl}${path}`)).status));
      expect(statuses).toEqual([200, 200, 200, 200, 200]);
    }
    expect(new Set(Object.values(cloud.providers).map((p) => p.projects.demo)).size).toBe(3);
  });

  it('seeds interleaved created_at values across providers', () => {
    const times = Object.values(cloud.providers).flatMap((p) =>
      [...p.compute.servers.values()]
        .filter((s) => s.projectId === p.projects.demo)
        .map((s) => [s.createdAt, p.name] as const),
    );
    const order = [...times].sort((a, b) => b[0] - a[0]).map(([, name]) => name);
    expect(order.slice(0, 3).sort()).toEqual(['bu-keystone', 'home', 'nu-keystone']);
    expect(new Set(times.map(([t]) => t)).size).toBe(times.length);
  });

  it('the home IdP lists every SP; tokens use the configured lifetime', () => {
    const home = cloud.providers.home?.keystone;
    expect(home?.options.idp?.serviceProviders.map((s) => s.id)).toEqual(['bu-keystone', 'nu-keystone']);
    expect(home?.store.tokenLifetimeSec).toBe(600);
  });

  it('setDown drops connections until restored; unknown names throw', async () => {
    const url = `${cloud.providers['nu-keystone']?.baseUrl}/identity/v3`;
    cloud.setDown('nu-keystone', true);
    await expect(fetch(url)).rejects.toThrow();
    cloud.setDown('nu-keystone', false);
    expect((await fetch(url)).status).toBe(200);
    expect(() => cloud.setDown('nope', true)).toThrow(/unknown provider "nope"/);
  });
});
