import request from 'supertest';
import { HOME_USERS } from '../../src/demo/demo-identity';
import type { Harness } from '../support/harness';
import { passwordAuth } from '../support/harness';
import { startHygieneHarness } from './support/hygiene-harness';
import { upstreamRequests, type SeenUpstream } from './support/upstream-record';

// docs/contract.md "Security": a provider token is used only for the (user, home project, provider) it was
// made for. Property: users demo and demo2 (home project demo) and other (home project other, mapped to
// bu-keystone's `shared` by project_map) call bu-keystone through the proxy concurrently, interleaved in a
// seeded random order, re-logging in between rounds so every user holds several home tokens. Every request the
// proxy sent bu-keystone is traced back to the client call that caused it (x-openstack-request-id), and the
// token it carried is looked up in bu-keystone's own Keystone: it must belong to the federated user of that
// caller, scoped to the caller's mapped project.

const PROVIDER = 'bu-keystone';
const USERS = ['demo', 'demo2', 'other'] as const;
type User = (typeof USERS)[number];
const ROUNDS = 6;
const CALLS_PER_USER = 8;

let h: Harness;
/** Provider project each home project maps to at bu-keystone. */
const expectedProject: Record<string, string> = {};

beforeAll(async () => {
  h = await startHygieneHarness({
    providers: ['home', PROVIDER],
    providerExtras: (demo) => ({
      [PROVIDER]: { project_map: { other: demo.providers[PROVIDER]!.projects['shared']! } },
    }),
  });
  const bu = h.demo.providers[PROVIDER]!.projects;
  expectedProject['demo'] = bu['demo']!;
  expectedProject['other'] = bu['shared']!;
});
afterAll(() => h.close());

/** mulberry32: a small seeded PRNG, so a failing interleaving can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Session {
  user: User;
  homeProjectName: string;
  token: string;
  projectId: string;
}

async function login(user: User): Promise<Session> {
  const [password, project] = HOME_USERS[user] as [string, string];
  const res = await request(h.server)
    .post('/identity/v3/auth/tokens')
    .send(passwordAuth(user, password, project));
  expect(res.status).toBe(201);
  const token = res.headers['x-subject-token'] as string;
  return {
    user,
    homeProjectName: project,
    token,
    projectId: (res.body as { token: { project: { id: string } } }).token.project.id,
  };
}

/** Calls that make the proxy use a bu-keystone provider token; `n` makes names unique. */
const CALLS: Array<(s: Session, n: string) => request.Test> = [
  (s) => request(h.server).get('/identity/v3/auth/projects').set('x-auth-token', s.token),
  (s) => request(h.server).get('/compute/v2.1/servers/detail').set('x-auth-token', s.token),
  (s) => request(h.server).get(`/volume/v3/${s.projectId}/volumes`).set('x-auth-token', s.token),
  (s) => request(h.server).get('/image/v2/images').set('x-auth-token', s.token),
  (s) => request(h.server).get(`/object-store/v1/AUTH_${s.projectId}?format=json`).set('x-auth-token', s.token),
  (s, n) =>
    request(h.server).put(`/object-store/v1/AUTH_${s.projectId}/iso-${s.user}-${n}`).set('x-auth-token', s.token),
  (s, n) =>
    request(h.server)
      .post(`/volume/v3/${s.projectId}/volumes`)
      .set('x-auth-token', s.token)
      .send({ volume: { name: `iso-${s.user}-${n}`, size: 1 } }),
];

it('under concurrent interleaved users every provider token sent upstream is its caller’s', async () => {
  const random = prng(0x0c5);
  const byRequestId = new Map<string, Session>();
  const sessions: Record<string, Session> = {};
  let statuses: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // New home tokens for a random subset of users: each new token means a new K2K exchange.
    for (const user of USERS) if (round === 0 || random() < 0.5) sessions[user] = await login(user);
    const planned: Array<() => Promise<request.Response>> = [];
    for (const user of USERS) {
      for (let i = 0; i < CALLS_PER_USER; i++) {
        const s = sessions[user] as Session;
        const build = CALLS[Math.floor(random() * CALLS.length)] as (typeof CALLS)[number];
        // The proxy's own request id (returned to the client) is the one every provider call carries.
        planned.push(() =>
          build(s, `${round}-${i}`)
            .set('x-ocx-provider', PROVIDER)
            .then((r) => {
              byRequestId.set(String(r.headers['x-openstack-request-id']), s);
              return r;
            }),
        );
      }
    }
    // Fisher-Yates with the seeded PRNG, then all at once.
    for (let i = planned.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [planned[i], planned[j]] = [planned[j] as (typeof planned)[number], planned[i] as (typeof planned)[number]];
    }
    statuses = statuses.concat((await Promise.all(planned.map((p) => p()))).map((r) => r.status));
  }
  expect(statuses.filter((s) => s >= 500)).toEqual([]);
  expect(statuses.filter((s) => s < 300).length).toBeGreaterThan(statuses.length * 0.9);

  const callerOf = (r: SeenUpstream): Session =>
    byRequestId.get(String(r.headers['x-openstack-request-id'])) as Session;
  const seen = upstreamRequests(h).filter(
    (r) => (r.provider === PROVIDER && r.service !== 'identity') || isServiceCallAtKeystone(r),
  );
  const traced = seen.filter((r) => byRequestId.has(String(r.headers['x-openstack-request-id'])));
  // Most calls reach bu-keystone (a few, like a Swift PUT of an existing name, may not): the property is not vacuous.
  expect(traced.length).toBeGreaterThan(ROUNDS * USERS.length * CALLS_PER_USER * 0.5);

  const wrong = traced.map((r) => ownerProblem(r, callerOf(r))).filter((p): p is string => p !== undefined);
  expect(wrong).toEqual([]);
  // The check is not vacuous: the same requests attributed to another user are all flagged.
  const misattributed = traced.map((r) =>
    ownerProblem(r, { ...callerOf(r), user: callerOf(r).user === 'demo' ? 'other' : 'demo' }),
  );
  expect(misattributed.every((p) => p !== undefined)).toBe(true);
  // Each user was served by its own federated identity at bu-keystone, and only ever its own.
  const keystone = h.demo.providers[PROVIDER]!.keystone;
  const owners = new Set(
    traced.map(
      (r) => keystone.store.users.get(keystone.store.tokens.get(String(r.headers['x-auth-token']))?.userId ?? '')?.name,
    ),
  );
  expect([...owners].sort()).toEqual([...USERS].sort());
}, 120_000);

/** Why the token `r` carried is not the one made for `caller` at bu-keystone, or undefined when it is. */
function ownerProblem(r: SeenUpstream, caller: Session): string | undefined {
  const store = h.demo.providers[PROVIDER]!.keystone.store;
  const token = String(r.headers['x-auth-token'] ?? '');
  const rec = store.tokens.get(token);
  const owner = rec ? store.users.get(rec.userId) : undefined;
  const ok =
    rec !== undefined &&
    owner?.name === caller.user &&
    owner.federation?.idpId === 'home' &&
    rec.projectId === expectedProject[caller.homeProjectName];
  if (ok) return undefined;
  return `${r.method} ${r.path} for ${caller.user}/${caller.homeProjectName} carried a token of ${owner?.name ?? 'nobody known'} scoped to ${rec?.projectId ?? '-'}`;
}

/** Identity calls relayed to bu-keystone with a provider token (not the K2K exchange's own requests). */
function isServiceCallAtKeystone(r: SeenUpstream): boolean {
  return (
    r.provider === PROVIDER &&
    r.service === 'identity' &&
    r.path.endsWith('/v3/auth/projects') &&
    r.headers['x-openstack-request-id'] !== undefined
  );
}
