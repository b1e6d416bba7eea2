import request from 'supertest';
import { HOME_USERS } from '../../../src/demo/demo-identity';
import { startHarness, passwordAuth, type Harness } from '../../support/harness';
import { markUpstream, upstreamRequests, type SeenUpstream } from '../support/upstream-record';

// A provider receives only its own token and what the proxy itself says about a call. The client's other
// credentials (Cookie, Authorization, X-Storage-Token, another provider's X-Service-Token) and its forwarding
// headers must never reach a provider: a provider could replay the credentials at home, and would log or build
// links from a client-chosen address, host or request id. Each call below goes through one front and reaches home,
// bu-keystone or both; every request the fakes received during that call is checked, the proxy's own Keystone
// calls included.

const HOME = 'home';
const BU = 'bu-keystone';
const PEER = '127.0.0.1';
const CLIENT_REQUEST_ID = 'req-11111111-2222-3333-4444-555555555555';
const SERVICE_TOKEN = 'client-chosen-service-token-5c0ffee';

let h: Harness;
let token = '';
let project = '';
/** Ids of seeded resources, by the provider that holds them. */
const ids = { server: {} as Record<string, string>, image: {} as Record<string, string> };

beforeAll(async () => {
  h = await startHarness();
  const [password, projectName] = HOME_USERS['demo'] as [string, string];
  const login = await request(h.server)
    .post('/identity/v3/auth/tokens')
    .send(passwordAuth('demo', password, projectName));
  expect(login.status).toBe(201);
  token = login.headers['x-subject-token'] as string;
  project = (login.body as { token: { project: { id: string } } }).token.project.id;
  // Seeded names carry their provider ("home-web-1", "bu-keystone-snapshot"); found with plain calls.
  const servers = await request(h.server).get('/compute/v2.1/servers').set('x-auth-token', token);
  const images = await request(h.server).get('/image/v2/images').set('x-auth-token', token);
  for (const p of [HOME, BU]) {
    ids.server[p] = (servers.body as { servers: Array<{ id: string; name: string }> }).servers.find(
      (s) => s.name === `${p}-web-1`,
    )!.id;
    ids.image[p] = (images.body as { images: Array<{ id: string; name: string }> }).images.find(
      (i) => i.name === `${p}-snapshot`,
    )!.id;
  }
});
afterAll(() => h.close());

/** What a hostile (or merely careless) client adds to every call. */
function hostileHeaders(): Record<string, string> {
  return {
    'x-auth-token': token,
    cookie: 'session=client-cookie-0badc0de; sessionid=abc',
    authorization: 'Basic ZGVtbzpkZW1vLXNlY3JldA==',
    'x-storage-token': token,
    'x-service-token': SERVICE_TOKEN,
    'x-forwarded-for': '6.6.6.6',
    'x-forwarded-host': 'evil.example',
    'x-forwarded-proto': 'https',
    forwarded: 'for=6.6.6.6;host=evil.example',
    'x-real-ip': '6.6.6.6',
    'x-openstack-request-id': CLIENT_REQUEST_ID,
  };
}

interface Call {
  name: string;
  path: () => string;
  headers?: Record<string, string>;
  /** Provider, service and path suffix the call must have reached, so the checks are not vacuous. */
  reaches: Array<[string, SeenUpstream['service'], RegExp]>;
}

const swift = (rest = ''): string => `/object-store/v1/AUTH_${project}${rest}`;

const CALLS: Call[] = [
  {
    name: 'identity passthrough to home',
    path: () => '/identity/v3/projects',
    reaches: [[HOME, 'identity', /\/v3\/projects$/]],
  },
  {
    name: 'identity passthrough to bu-keystone',
    path: () => '/identity/v3/projects',
    headers: { 'x-ocx-provider': BU },
    reaches: [[BU, 'identity', /\/v3\/projects$/]],
  },
  {
    name: 'network list',
    path: () => '/network/v2.0/networks',
    reaches: [
      [HOME, 'network', /\/v2\.0\/networks$/],
      [BU, 'network', /\/v2\.0\/networks$/],
    ],
  },
  {
    name: 'security group list at bu-keystone',
    path: () => '/network/v2.0/security-groups',
    headers: { 'x-ocx-provider': BU },
    reaches: [[BU, 'network', /\/v2\.0\/security-groups$/]],
  },
  {
    name: 'compute servers list',
    path: () => '/compute/v2.1/servers',
    reaches: [
      [HOME, 'compute', /\/servers(\/detail)?$/],
      [BU, 'compute', /\/servers(\/detail)?$/],
    ],
  },
  {
    name: 'compute server show at home',
    path: () => `/compute/v2.1/servers/${ids.server[HOME]}`,
    reaches: [[HOME, 'compute', /\/servers\/[0-9a-f-]+$/]],
  },
  {
    name: 'compute server show at bu-keystone',
    path: () => `/compute/v2.1/servers/${ids.server[BU]}`,
    reaches: [[BU, 'compute', /\/servers\/[0-9a-f-]+$/]],
  },
  {
    name: 'volume list',
    path: () => `/volume/v3/${project}/volumes`,
    reaches: [
      [HOME, 'volume', /\/volumes(\/detail)?$/],
      [BU, 'volume', /\/volumes(\/detail)?$/],
    ],
  },
  {
    name: 'image list',
    path: () => '/image/v2/images',
    reaches: [
      [HOME, 'image', /\/images$/],
      [BU, 'image', /\/images$/],
    ],
  },
  {
    name: 'image show at home',
    path: () => `/image/v2/images/${ids.image[HOME]}`,
    reaches: [[HOME, 'image', /\/images\/[0-9a-f-]+$/]],
  },
  {
    name: 'image show at bu-keystone',
    path: () => `/image/v2/images/${ids.image[BU]}`,
    reaches: [[BU, 'image', /\/images\/[0-9a-f-]+$/]],
  },
  {
    name: 'Swift account',
    path: () => swift(),
    reaches: [
      [HOME, 'object-store', /\/AUTH_[0-9a-f]+$/],
      [BU, 'object-store', /\/AUTH_[0-9a-f]+$/],
    ],
  },
  {
    name: 'Swift merged container',
    path: () => swift('/photos'),
    reaches: [
      [HOME, 'object-store', /\/photos$/],
      [BU, 'object-store', /\/photos$/],
    ],
  },
  {
    name: 'Swift object at home',
    path: () => swift('/photos/home/cat.jpg'),
    reaches: [[HOME, 'object-store', /\/photos\/home\/cat\.jpg$/]],
  },
  {
    name: 'Swift object at bu-keystone',
    path: () => swift('/photos/bu-keystone/cat.jpg'),
    reaches: [[BU, 'object-store', /\/photos\/bu-keystone\/cat\.jpg$/]],
  },
];

function values(r: SeenUpstream, name: string): string[] {
  const v = r.headers[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** Every way one provider request breaks the rules; empty when it is clean. */
function violations(r: SeenUpstream): string[] {
  const out: string[] = [];
  const where = `${r.provider} ${r.service} ${r.method} ${r.path}`;
  const has = (name: string): boolean => values(r, name).length > 0;
  for (const name of ['cookie', 'authorization', 'x-storage-token']) {
    if (has(name)) out.push(`${where}: ${name} reached the provider`);
  }
  if (r.provider !== HOME && has('x-service-token')) out.push(`${where}: x-service-token reached a non-home provider`);
  const xff = values(r, 'x-forwarded-for');
  if (xff.length > 0 && xff.join(', ') !== PEER) out.push(`${where}: x-forwarded-for ${xff.join(', ')}`);
  if (values(r, 'x-forwarded-host').some((v) => v.includes('evil.example'))) {
    out.push(`${where}: client x-forwarded-host`);
  }
  if (values(r, 'x-forwarded-proto').includes('https')) out.push(`${where}: client x-forwarded-proto`);
  if (values(r, 'forwarded').some((v) => v.includes('6.6.6.6') || v.includes('evil.example'))) {
    out.push(`${where}: client forwarded header`);
  }
  if (values(r, 'x-real-ip').some((v) => v !== PEER)) out.push(`${where}: client x-real-ip`);
  if (values(r, 'x-openstack-request-id').some((v) => v.includes(CLIENT_REQUEST_ID))) {
    out.push(`${where}: client-chosen x-openstack-request-id`);
  }
  return out;
}

describe('client headers never reach a provider', () => {
  test.each(CALLS.map((c) => [c.name, c] as const))('%s', async (_name, call) => {
    const mark = markUpstream(h);
    const res = await request(h.server)
      .get(call.path())
      .set({ ...hostileHeaders(), ...call.headers });
    expect(res.status).toBeLessThan(500);
    const seen = upstreamRequests(h, mark);
    for (const [provider, service, path] of call.reaches) {
      expect(
        seen.filter((r) => r.provider === provider && r.service === service && path.test(r.path)).map((r) => r.path),
      ).not.toEqual([]);
    }
    // Provider-internal request ids reach the client only as the proxy's own one.
    const own = res.headers['x-openstack-request-id'] as string | undefined;
    const answer = ['x-compute-request-id', 'x-trans-id']
      .filter((name) => res.headers[name] !== undefined && res.headers[name] !== own)
      .map((name) => `answer: ${name} ${String(res.headers[name])} is not the proxy's ${own}`);
    expect([...seen.flatMap(violations), ...answer]).toEqual([]);
  });
});
