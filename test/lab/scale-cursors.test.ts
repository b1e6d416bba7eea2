// Two proxy replicas with the same state.cursor_keys in front of the lab's real Glance and Cinder: a merged listing
// paged one item at a time, alternating replicas, equals the one big listing (sealed next markers,
// src/state/sealed-cursor.ts); the other replica refuses an altered marker with the service's 400.
import { randomBytes } from 'node:crypto';
import { labConfig, labInfo, startLabProxy, type LabProxy } from '../support/lab';
import { passwordAuth } from '../support/keystone-auth';
import { nextPath } from '../support/listing-links';

let a: LabProxy;
let b: LabProxy;
let token = '';
let projectId = '';

beforeAll(async () => {
  const keys = [{ id: 'lab', key: randomBytes(32).toString('base64url') }];
  const state = { ...((labConfig()['state'] as Record<string, unknown> | undefined) ?? {}), cursor_keys: keys };
  [a, b] = await Promise.all([startLabProxy({ state }), startLabProxy({ state })]);
  const user = labInfo().users[0]!;
  const res = await fetch(`${a.url}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(passwordAuth(user.name, user.password, user.project)),
  });
  expect(res.status).toBe(201);
  token = res.headers.get('x-subject-token') as string;
  projectId = ((await res.json()) as { token: { project: { id: string } } }).token.project.id;
}, 60_000);
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

async function get(via: LabProxy, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${via.url}${path}`, { headers: { 'x-auth-token': token } });
  const text = await res.text();
  return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : { text } };
}

async function walk(vias: LabProxy[], first: string, key: string): Promise<string[]> {
  const ids: string[] = [];
  let path: string | undefined = first;
  for (let i = 0; i < 200 && path; i++) {
    const res = await get(vias[i % vias.length]!, path);
    expect(res.status).toBe(200);
    ids.push(...(res.body[key] as { id: string }[]).map((x) => x.id));
    path = nextPath(res.body, key);
  }
  return ids;
}

describe('sealed next markers across two lab replicas', () => {
  it('Glance images paged one by one, alternating replicas, equal the big listing', async () => {
    const big = await walk([a], '/image/v2/images', 'images');
    expect(big.length).toBeGreaterThanOrEqual(2);
    expect(await walk([a, b], '/image/v2/images?limit=1', 'images')).toEqual(big);
  }, 120_000);

  it('Cinder volumes paged alternately equal the big listing', async () => {
    // Two volumes at each provider (created through the proxy, named by the provider), removed afterwards.
    const made: string[] = [];
    try {
      for (const provider of Object.keys(labInfo().providers).concat(['home']).slice(0, 2)) {
        for (let i = 0; i < 2; i++) {
          const res = await fetch(`${a.url}/volume/v3/${projectId}/volumes`, {
            method: 'POST',
            headers: { 'x-auth-token': token, 'content-type': 'application/json', 'x-ocx-provider': provider },
            body: JSON.stringify({ volume: { size: 1, name: `scale-cursor-${provider}-${i}` } }),
          });
          expect(res.status).toBe(202);
          made.push(((await res.json()) as { volume: { id: string } }).volume.id);
        }
      }
      const big = await walk([b], `/volume/v3/${projectId}/volumes`, 'volumes');
      expect(big).toEqual(expect.arrayContaining(made));
      expect(await walk([b, a], `/volume/v3/${projectId}/volumes?limit=1`, 'volumes')).toEqual(big);
      expect(await walk([a, b], `/volume/v3/${projectId}/volumes/detail?limit=3&sort=name:asc`, 'volumes')).toEqual(
        await walk([a], `/volume/v3/${projectId}/volumes/detail?sort=name:asc`, 'volumes'),
      );
    } finally {
      for (const id of made) {
        for (let t = 0; t < 30; t++) {
          const res = await fetch(`${a.url}/volume/v3/${projectId}/volumes/${id}`, {
            method: 'DELETE',
            headers: { 'x-auth-token': token },
          });
          if (res.status !== 400) break;
          // Still creating: Cinder refuses to delete it until it settles.
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    }
  }, 180_000);

  it('an altered marker is a 400 at the other replica', async () => {
    const first = await get(a, '/image/v2/images?limit=1');
    const next = nextPath(first.body, 'images') as string;
    expect(next).toContain('marker=ocx.lab.');
    const altered = next.replace(/marker=ocx\.lab\.(.)/, (_m, c: string) => `marker=ocx.lab.${c === 'A' ? 'B' : 'A'}`);
    const res = await get(b, altered);
    expect(res.status).toBe(400);
  }, 60_000);
});
