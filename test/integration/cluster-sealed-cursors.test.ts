// Merged-listing next markers are sealed and self-contained (src/state/sealed-cursor.ts): two proxy instances with
// the same state.cursor_keys and no shared store continue each other's listings exactly; an altered marker, one
// sealed with another key, or one presented by another user is a 400 in the service's own format.
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { SEED_EPOCH } from '../../src/demo/demo-seed';
import { startDemoCloud, type DemoCloud } from '../../src/demo/demo-cloud';
import { passwordAuth } from '../support/harness';
import { startInstance, type ProxyInstance } from '../support/proxy-instance';

let demo: DemoCloud;
let a: ProxyInstance;
let b: ProxyInstance;
let stranger: ProxyInstance;
const keys = [{ id: 'k1', key: randomBytes(32).toString('base64url') }];

beforeAll(async () => {
  demo = await startDemoCloud();
  for (const [name, count] of [
    ['home', 7],
    ['bu-keystone', 6],
  ] as const) {
    const p = demo.providers[name]!;
    const seeds = Array.from({ length: count }, (_, i) => ({
      name: `${name}-s${i}`,
      // Three distinct seconds: ties within and across providers.
      createdAt: SEED_EPOCH + 86_400_000 + (i % 3) * 1000,
    }));
    p.compute.seed(p.projects['demo'] as string, 'seed-user', seeds);
    p.volume.seed(
      p.projects['demo'] as string,
      'seed-user',
      seeds.map((s) => ({ ...s, size: 1 })),
    );
  }
  [a, b, stranger] = await Promise.all([
    startInstance({ ...demo.config, state: { cursor_keys: keys } }, '(test a)'),
    startInstance({ ...demo.config, state: { cursor_keys: keys } }, '(test b)'),
    startInstance(
      { ...demo.config, state: { cursor_keys: [{ id: 'k1', key: randomBytes(32).toString('base64url') }] } },
      '(test stranger)',
    ),
  ]);
});
afterAll(async () => {
  await Promise.all([a.close(), b.close(), stranger.close()]);
  await demo.stop();
});

async function login(via: ProxyInstance, user = 'demo', password = `${user}-secret`, project = 'demo') {
  const res = await request(via.server)
    .post('/identity/v3/auth/tokens')
    .send(passwordAuth(user, password, project));
  expect(res.status).toBe(201);
  return { token: res.headers['x-subject-token'] as string, projectId: res.body.token.project.id as string };
}

const pathOf = (href: string) => new URL(href).pathname + new URL(href).search;
const nextOf = (body: Record<string, unknown>, key: string) =>
  (body[`${key}_links`] as { href: string; rel: string }[] | undefined)?.find((l) => l.rel === 'next')?.href;

async function walk(vias: ProxyInstance[], token: string, first: string, key: string) {
  const ids: string[] = [];
  let path: string | undefined = first;
  for (let i = 0; i < 100 && path; i++) {
    const res = await request(vias[i % vias.length]!.server)
      .get(path)
      .set('x-auth-token', token);
    expect(res.status).toBe(200);
    ids.push(...(res.body[key] as { id: string }[]).map((s) => s.id));
    const next = nextOf(res.body, key);
    path = next ? pathOf(next) : undefined;
  }
  return ids;
}

describe('sealed next markers across instances', () => {
  it('a Nova listing paged alternately through A and B equals one big listing, without locating markers', async () => {
    const me = await login(a);
    const big = await walk([a], me.token, '/compute/v2.1/servers/detail', 'servers');
    expect(big.length).toBeGreaterThanOrEqual(13);
    const shows = () =>
      Object.values(demo.providers).reduce(
        (n, p) =>
          n + p.compute.requests.filter((r) => r.method === 'GET' && /\/servers\/[0-9a-f-]{36}$/.test(r.path)).length,
        0,
      );
    const before = shows();
    for (const limit of [1, 2, 5]) {
      expect(await walk([a, b], me.token, `/compute/v2.1/servers/detail?limit=${limit}`, 'servers')).toEqual(big);
      expect(await walk([b, a], me.token, `/compute/v2.1/servers?limit=${limit}`, 'servers')).toEqual(big);
    }
    // Every page continued from the sealed positions: no marker item was looked up at any provider.
    expect(shows()).toBe(before);
  });

  it('a Cinder listing with a sort paged alternately equals one big listing', async () => {
    const me = await login(b);
    const q = 'sort=name:asc';
    const big = await walk([b], me.token, `/volume/v3/${me.projectId}/volumes?${q}`, 'volumes');
    expect(await walk([a, b], me.token, `/volume/v3/${me.projectId}/volumes?${q}&limit=3`, 'volumes')).toEqual(big);
  });

  it('the marker reveals neither provider names nor provider ids', async () => {
    const me = await login(a);
    const res = await request(a.server).get('/compute/v2.1/servers?limit=2').set('x-auth-token', me.token);
    const marker = new URL(nextOf(res.body, 'servers') as string).searchParams.get('marker') as string;
    expect(marker.startsWith('ocx.k1.')).toBe(true);
    expect(marker).not.toMatch(/bu-keystone|home/);
    const ids = (res.body.servers as { id: string }[]).map((s) => s.id);
    for (const id of ids) expect(marker).not.toContain(id);
  });

  it('an altered marker is a 400 in the service format (Nova, Cinder, Glance)', async () => {
    const me = await login(a);
    const nova = await request(a.server).get('/compute/v2.1/servers?limit=1').set('x-auth-token', me.token);
    const href = new URL(nextOf(nova.body, 'servers') as string);
    const marker = href.searchParams.get('marker') as string;
    const flipped = `${marker.slice(0, -3)}${marker.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    href.searchParams.set('marker', flipped);
    const res = await request(b.server).get(pathOf(href.toString())).set('x-auth-token', me.token);
    expect(res.status).toBe(400);
    expect(Object.keys(res.body)).toEqual(['badRequest']);
    expect(res.body.badRequest.message).toMatch(/marker/);

    const cinder = await request(a.server)
      .get(`/volume/v3/${me.projectId}/volumes?limit=1&marker=${encodeURIComponent(flipped)}`)
      .set('x-auth-token', me.token);
    expect(cinder.status).toBe(400);
    expect(Object.keys(cinder.body)).toEqual(['badRequest']);

    const glance = await request(a.server)
      .get(`/image/v2/images?limit=1&marker=${encodeURIComponent(flipped)}`)
      .set('x-auth-token', me.token);
    expect(glance.status).toBe(400);
    expect(glance.headers['content-type']).not.toMatch(/json/);
  });

  it("another user's marker, even in the same project, is a 400; so is one sealed by another key", async () => {
    const me = await login(a);
    const res = await request(a.server).get('/compute/v2.1/servers/detail?limit=2').set('x-auth-token', me.token);
    const next = pathOf(nextOf(res.body, 'servers') as string);
    // The owner continues through B.
    expect((await request(b.server).get(next).set('x-auth-token', me.token)).status).toBe(200);
    const colleague = await login(b, 'demo2');
    const theirs = await request(b.server).get(next).set('x-auth-token', colleague.token);
    expect(theirs.status).toBe(400);
    expect(Object.keys(theirs.body)).toEqual(['badRequest']);
    const outsider = await login(a, 'other', 'other-secret', 'other');
    expect((await request(a.server).get(next).set('x-auth-token', outsider.token)).status).toBe(400);
    const mine = await login(stranger);
    expect((await request(stranger.server).get(next).set('x-auth-token', mine.token)).status).toBe(400);
  });

  it('a plain id the client typed as marker still works (clients paging by the last id)', async () => {
    const me = await login(a);
    const big = await walk([a], me.token, '/compute/v2.1/servers', 'servers');
    const res = await request(b.server)
      .get(`/compute/v2.1/servers?marker=${big[3]}&limit=4`)
      .set('x-auth-token', me.token);
    expect(res.status).toBe(200);
    expect((res.body.servers as { id: string }[]).map((s) => s.id)).toEqual(big.slice(4, 8));
  });
});
