import { randomBytes } from 'node:crypto';
import { eventually } from '../support/eventually';
import { startHarness, passwordAuth, type Harness } from '../support/harness';
import { startLabProxy, type LabProxy } from '../support/lab';

/**
 * Simulator fidelity: the same requests, through the proxy, against the demo cloud's fakes (src/demo) and against
 * the lab's real Keystone, Nova, Cinder, Glance and Neutron (deploy/lab/up.sh). The answers must have the same shape:
 * status, the headers clients read, the JSON keys and their types, and the paging links. Every key a fake sends
 * exists at the real service with the same type; every key the real service sends exists in the fake unless
 * OPTIONAL below says why clients do without it. So a fake that misreads a service fails here, not in the field.
 */
jest.setTimeout(600_000);

const RUN = `ocx-fid-${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const COMPUTE_VERSION = { 'openstack-api-version': 'compute 2.74' }; // >= 2.37: "networks": "none"
const ZERO = '00000000-0000-4000-8000-000000000000';

/** Headers clients read (keystoneauth, novaclient, cinderclient, glanceclient, openstacksdk): presence compared. */
const CLIENT_HEADERS = ['x-subject-token', 'x-openstack-request-id', 'location', 'openstack-api-version'];

interface World {
  name: 'fake' | 'real';
  url: string;
  token: string;
  project: string;
  imageId: string;
  serverId: string;
  volumeId: string;
  networkId: string;
  subnetId: string;
  portId: string;
  securityGroupId: string;
  /** The create answers, compared like the replays. */
  created: Record<string, Answer>;
  cleanups: Array<() => Promise<unknown>>;
}

interface Answer {
  status: number;
  headers: Headers;
  json: unknown;
  text: string;
}

async function send(
  w: World,
  method: string,
  path: string,
  opts: { body?: unknown; headers?: Record<string, string>; token?: string | null } = {},
): Promise<Answer> {
  const token = opts.token === undefined ? w.token : opts.token;
  const res = await fetch(`${w.url}${path.replace('{project}', w.project)}`, {
    method,
    headers: {
      accept: 'application/json',
      ...(token ? { 'x-auth-token': token } : {}),
      ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...opts.headers,
    },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  let json: unknown;
  if ((res.headers.get('content-type') ?? '').includes('json') && text) json = JSON.parse(text);
  return { status: res.status, headers: res.headers, json, text };
}

async function login(url: string): Promise<{ token: string; project: string }> {
  const res = await fetch(`${url}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(passwordAuth('demo', 'demo-secret', 'demo')),
  });
  if (res.status !== 201) throw new Error(`login at ${url}: HTTP ${res.status}`);
  const body = (await res.json()) as { token: { project: { id: string } } };
  return { token: res.headers.get('x-subject-token') as string, project: body.token.project.id };
}

async function waitFor(w: World, path: string, key: string, want: string, headers: Record<string, string> = {}) {
  let last = '';
  await eventually(async () => {
    const r = await send(w, 'GET', path, { headers });
    const status = String(((r.json as Record<string, { status?: string }>)?.[key] ?? {}).status ?? r.status);
    last = status;
    if (status.toLowerCase() === 'error') throw new Error(`${w.name} ${path} went to error`);
    return status.toLowerCase() === want;
  }, 180_000).catch((e: Error) => {
    throw new Error(`${w.name}: ${path} never ${want} (last ${last}): ${e.message}`);
  });
}

/** Two volumes and a server of the demo project at home, so listings have items and paging links. */
async function prepare(name: World['name'], url: string, imageId: string): Promise<World> {
  const { token, project } = await login(url);
  const w: World = {
    name,
    url,
    token,
    project,
    imageId,
    serverId: '',
    volumeId: '',
    networkId: '',
    subnetId: '',
    portId: '',
    securityGroupId: '',
    created: {},
    cleanups: [],
  };
  const home = { 'x-ocx-provider': 'home' };
  for (const n of [1, 2]) {
    const r = await send(w, 'POST', '/volume/v3/{project}/volumes', {
      body: { volume: { name: `${RUN}-vol-${n}`, size: 1 } },
      headers: home,
    });
    if (r.status !== 202) throw new Error(`${name}: volume create HTTP ${r.status}: ${r.text}`);
    w.created['cinder: volume create'] = r;
    const id = (r.json as { volume: { id: string } }).volume.id;
    w.cleanups.push(() => send(w, 'DELETE', `/volume/v3/{project}/volumes/${id}`, { headers: home }));
    w.volumeId = id;
  }
  // Two servers of one name: the paged detail listing below (name filter) then sees only this run's servers.
  for (const n of [1, 2]) {
    const s = await send(w, 'POST', '/compute/v2.1/servers', {
      body: { server: { name: `${RUN}-vm`, imageRef: imageId, flavorRef: '1', networks: 'none' } },
      headers: { ...home, ...COMPUTE_VERSION },
    });
    if (s.status !== 202) throw new Error(`${name}: server create ${n} HTTP ${s.status}: ${s.text}`);
    w.created['nova: server create'] = s;
    const id = (s.json as { server: { id: string } }).server.id;
    w.cleanups.push(() => send(w, 'DELETE', `/compute/v2.1/servers/${id}`, { headers: home }));
    w.serverId = id;
  }
  for (const n of [1, 2]) {
    // Two networks of one name: Neutron filters by exact name, so a listing of both pages with limit=1.
    const r = await send(w, 'POST', '/network/v2.0/networks', {
      body: { network: { name: `${RUN}-net` } },
      headers: home,
    });
    if (r.status !== 201) throw new Error(`${name}: network create ${n} HTTP ${r.status}: ${r.text}`);
    w.created['neutron: network create'] = r;
    const id = (r.json as { network: { id: string } }).network.id;
    w.cleanups.push(() => send(w, 'DELETE', `/network/v2.0/networks/${id}`, { headers: home }));
    w.networkId = id;
  }
  await prepareNetworking(w);
  await waitFor(w, `/volume/v3/{project}/volumes/${w.volumeId}`, 'volume', 'available', home);
  await waitFor(w, `/compute/v2.1/servers/${w.serverId}`, 'server', 'active', home);
  return w;
}

/**
 * Two subnets and two ports on the last network, two security groups of one name: the subnet, port and
 * security-group listings of this run page with limit=1. No DHCP, so the lab's agents add no ports of their own.
 */
async function prepareNetworking(w: World): Promise<void> {
  const home = { 'x-ocx-provider': 'home' };
  const make = async (path: string, key: string, body: Record<string, unknown>): Promise<string> => {
    const r = await send(w, 'POST', `/network/v2.0/${path}`, { body: { [key]: body }, headers: home });
    if (r.status !== 201) throw new Error(`${w.name}: ${key} create HTTP ${r.status}: ${r.text}`);
    w.created[`neutron: ${key.replace(/_/g, ' ')} create`] = r;
    const id = (r.json as Record<string, { id: string }>)[key]?.id as string;
    w.cleanups.push(() => send(w, 'DELETE', `/network/v2.0/${path}/${id}`, { headers: home }));
    return id;
  };
  for (const n of [1, 2]) {
    w.subnetId = await make('subnets', 'subnet', {
      name: `${RUN}-subnet`,
      network_id: w.networkId,
      ip_version: 4,
      cidr: `10.${200 + n}.0.0/24`,
      enable_dhcp: false,
    });
  }
  for (const n of [1, 2]) {
    w.securityGroupId = await make('security-groups', 'security_group', { name: `${RUN}-sg`, description: `${n}` });
  }
  // After the network's cleanup in the list, so undone before it (a network with ports cannot be deleted).
  for (const n of [1, 2]) {
    w.portId = await make('ports', 'port', { name: `${RUN}-port-${n}`, network_id: w.networkId });
  }
}

// ---- shapes ----------------------------------------------------------------------------------------------------

/** Path → type of every value in a JSON document; array items merged under `[]`. */
function shape(doc: unknown, at = '', out = new Map<string, Set<string>>()): Map<string, Set<string>> {
  const add = (t: string): void => {
    const s = out.get(at) ?? new Set<string>();
    s.add(t);
    out.set(at, s);
  };
  if (doc === null) add('null');
  else if (Array.isArray(doc)) {
    add('array');
    for (const item of doc) shape(item, `${at}[]`, out);
  } else if (typeof doc === 'object') {
    add('object');
    for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
      // Maps keyed by data (metadata, volume types' extra specs, links by rel) are compared as maps.
      shape(v, `${at}.${MAPS.some((m) => at.endsWith(m)) ? '*' : k}`, out);
    }
  } else add(typeof doc);
  return out;
}
const MAPS = ['.metadata', '.extra_specs', '.volume_image_metadata', '.addresses'];

/** `null` stands for "no value yet" and is compatible with any type (fields the services fill in later). */
function compatible(a: Set<string>, b: Set<string>): boolean {
  const strip = (s: Set<string>) => [...s].filter((t) => t !== 'null');
  const x = strip(a);
  const y = strip(b);
  return x.length === 0 || y.length === 0 || x.some((t) => y.includes(t));
}

/**
 * Keys the real services send that the fakes may leave out, each with the reason clients do without it from a
 * fake. Kept short on purpose: a key not listed here that the real service sends and the fake does not fails.
 */
const OPTIONAL: RegExp[] = [];

/** Under an array one side has empty (`items[]` absent) nothing can be compared: the data differ, not the shape. */
function underEmptyArray(path: string, s: Map<string, Set<string>>): boolean {
  for (let i = path.indexOf('[]'); i >= 0; i = path.indexOf('[]', i + 2)) {
    const array = path.slice(0, i);
    if (s.get(array)?.has('array') && !s.has(`${array}[]`)) return true;
  }
  return false;
}

function compareShapes(label: string, fake: unknown, real: unknown, dataDependent: RegExp[] = []): string[] {
  const f = shape(fake);
  const r = shape(real);
  const problems: string[] = [];
  const skip = (path: string) =>
    underEmptyArray(path, f) || underEmptyArray(path, r) || dataDependent.some((re) => re.test(path));
  for (const [path, types] of f) {
    if (skip(path)) continue;
    const other = r.get(path);
    if (!other)
      problems.push(`${label}: the fake sends ${path || '(root)'} (${[...types]}), the real service does not`);
    else if (!compatible(types, other))
      problems.push(`${label}: ${path} is ${[...types]} in the fake, ${[...other]} at the real service`);
  }
  for (const [path, types] of r) {
    if (f.has(path) || skip(path) || OPTIONAL.some((re) => re.test(path))) continue;
    // A key under an absent parent is reported once, at the parent.
    const parent = path.replace(/(\.[^.[\]]+|\[\])$/, '');
    if (parent !== path && !f.has(parent) && r.has(parent) && !OPTIONAL.some((re) => re.test(parent))) continue;
    problems.push(`${label}: the real service sends ${path} (${[...types]}), the fake does not`);
  }
  return problems;
}

/** A paging link as clients follow it: the path below the proxy and the names of its query parameters. */
function linkShape(base: string, href: unknown): string {
  if (typeof href !== 'string') return String(href);
  const u = new URL(href, base);
  const path = u.pathname.replace(/[0-9a-f]{32}/g, '{project}');
  return `${path}?${[...u.searchParams.keys()].sort().join('&')}`;
}

function nextLink(doc: unknown): unknown {
  const d = (doc ?? {}) as Record<string, unknown>;
  if (typeof d['next'] === 'string') return d['next'];
  for (const [k, v] of Object.entries(d)) {
    if (k.endsWith('_links') && Array.isArray(v)) return (v as Array<{ rel: string; href: string }>)[0]?.href;
  }
  return undefined;
}

// ---- the replayed requests ---------------------------------------------------------------------------------

interface Replay {
  name: string;
  method?: string;
  path: (w: World) => string;
  headers?: Record<string, string>;
  body?: (w: World) => unknown;
  token?: null | ((w: World) => string);
  paging?: boolean;
}

const HOME = { 'x-ocx-provider': 'home' };
const REPLAYS: Replay[] = [
  // Keystone (the home Keystone, through the proxy's identity front).
  {
    name: 'keystone: password login',
    method: 'POST',
    path: () => '/identity/v3/auth/tokens',
    body: () => passwordAuth('demo', 'demo-secret', 'demo'),
    token: null,
  },
  {
    name: 'keystone: wrong password',
    method: 'POST',
    path: () => '/identity/v3/auth/tokens',
    body: () => passwordAuth('demo', 'not-the-password', 'demo'),
    token: null,
  },
  { name: 'keystone: version document', path: () => '/identity/v3', token: null },
  {
    name: 'keystone: validate a token',
    path: () => '/identity/v3/auth/tokens',
    headers: {},
    token: (w) => w.token,
  },
  { name: 'keystone: auth/projects', path: () => '/identity/v3/auth/projects' },
  { name: 'keystone: auth/catalog', path: () => '/identity/v3/auth/catalog' },
  {
    name: 'keystone: validate an unknown token',
    path: () => '/identity/v3/auth/tokens',
    headers: { 'x-subject-token': 'gAAAAA-not-a-token' },
  },
  // Nova.
  { name: 'nova: servers', path: () => '/compute/v2.1/servers', headers: HOME },
  {
    name: 'nova: servers/detail?name&limit=1',
    path: () => `/compute/v2.1/servers/detail?name=${RUN}-vm&limit=1`,
    headers: HOME,
    paging: true,
  },
  { name: 'nova: server show', path: (w) => `/compute/v2.1/servers/${w.serverId}`, headers: HOME },
  {
    name: 'nova: server show 2.74',
    path: (w) => `/compute/v2.1/servers/${w.serverId}`,
    headers: { ...HOME, ...COMPUTE_VERSION },
  },
  {
    // Only this run's server: the demo's seeded servers have ports (security groups), the lab's booted here none.
    name: 'nova: servers/detail merged over both clouds',
    path: () => `/compute/v2.1/servers/detail?name=${RUN}`,
  },
  { name: 'nova: unknown sort key', path: () => '/compute/v2.1/servers/detail?sort_key=bogus', headers: HOME },
  { name: 'nova: unknown server', path: () => `/compute/v2.1/servers/${ZERO}`, headers: HOME },
  { name: 'nova: flavors', path: () => '/compute/v2.1/flavors', headers: HOME },
  { name: 'nova: flavors/detail', path: () => '/compute/v2.1/flavors/detail', headers: HOME },
  // Cinder.
  { name: 'cinder: volumes', path: () => '/volume/v3/{project}/volumes', headers: HOME },
  {
    name: 'cinder: volumes/detail?limit=1',
    path: () => '/volume/v3/{project}/volumes/detail?limit=1',
    headers: HOME,
    paging: true,
  },
  { name: 'cinder: volumes/detail merged over both clouds', path: () => '/volume/v3/{project}/volumes/detail' },
  {
    name: 'cinder: unknown sort direction',
    path: () => '/volume/v3/{project}/volumes?sort=name:sideways',
    headers: HOME,
  },
  { name: 'cinder: volume types', path: () => '/volume/v3/{project}/types', headers: HOME },
  { name: 'cinder: volume show', path: (w) => `/volume/v3/{project}/volumes/${w.volumeId}`, headers: HOME },
  { name: 'cinder: unknown volume', path: () => `/volume/v3/{project}/volumes/${ZERO}`, headers: HOME },
  // Glance.
  { name: 'glance: images?limit=1', path: () => '/image/v2/images?limit=1', headers: HOME, paging: true },
  { name: 'glance: images merged over both clouds', path: () => '/image/v2/images' },
  { name: 'glance: unknown sort direction', path: () => '/image/v2/images?sort_dir=sideways', headers: HOME },
  { name: 'glance: image show', path: (w) => `/image/v2/images/${w.imageId}`, headers: HOME },
  // Neutron.
  {
    name: 'neutron: networks?name&limit=1',
    path: () => `/network/v2.0/networks?name=${RUN}-net&limit=1`,
    headers: HOME,
    paging: true,
  },
  { name: 'neutron: network show', path: (w) => `/network/v2.0/networks/${w.networkId}`, headers: HOME },
  { name: 'neutron: unknown network', path: () => `/network/v2.0/networks/${ZERO}`, headers: HOME },
  {
    name: 'neutron: subnets?network_id&limit=1',
    path: (w) => `/network/v2.0/subnets?network_id=${w.networkId}&limit=1`,
    headers: HOME,
    paging: true,
  },
  { name: 'neutron: subnet show', path: (w) => `/network/v2.0/subnets/${w.subnetId}`, headers: HOME },
  { name: 'neutron: unknown subnet', path: () => `/network/v2.0/subnets/${ZERO}`, headers: HOME },
  {
    name: 'neutron: ports?network_id&limit=1',
    path: (w) => `/network/v2.0/ports?network_id=${w.networkId}&limit=1`,
    headers: HOME,
    paging: true,
  },
  { name: 'neutron: port show', path: (w) => `/network/v2.0/ports/${w.portId}`, headers: HOME },
  { name: 'neutron: unknown port', path: () => `/network/v2.0/ports/${ZERO}`, headers: HOME },
  {
    name: 'neutron: security-groups?name&limit=1',
    path: () => `/network/v2.0/security-groups?name=${RUN}-sg&limit=1`,
    headers: HOME,
    paging: true,
  },
  {
    name: 'neutron: security group show',
    path: (w) => `/network/v2.0/security-groups/${w.securityGroupId}`,
    headers: HOME,
  },
  {
    name: 'neutron: security-group-rules of a group',
    path: (w) => `/network/v2.0/security-group-rules?security_group_id=${w.securityGroupId}`,
    headers: HOME,
  },
  { name: 'neutron: unknown security group', path: () => `/network/v2.0/security-groups/${ZERO}`, headers: HOME },
  {
    name: 'neutron: unknown sort key',
    path: () => '/network/v2.0/networks?sort_key=bogus&sort_dir=asc',
    headers: HOME,
  },
  {
    name: 'neutron: port on an unknown network',
    method: 'POST',
    path: () => '/network/v2.0/ports',
    body: () => ({ port: { name: `${RUN}-nowhere`, network_id: ZERO } }),
    headers: HOME,
  },
  {
    name: 'neutron: subnet without a cidr',
    method: 'POST',
    path: () => '/network/v2.0/subnets',
    body: (w) => ({ subnet: { name: `${RUN}-nocidr`, network_id: w.networkId, ip_version: 4 } }),
    headers: HOME,
  },
  { name: 'glance: unknown image', path: () => `/image/v2/images/${ZERO}`, headers: HOME },
];

let fake: World;
let real: World;
let harness: Harness;
let lab: LabProxy;

beforeAll(async () => {
  harness = await startHarness();
  lab = await startLabProxy();
  // A public image of each world's home Glance (the lab's own, the demo's cirros) to boot from.
  const publicImage = async (url: string): Promise<string> => {
    const { token } = await login(url);
    const r = await fetch(`${url}/image/v2/images`, { headers: { 'x-auth-token': token, ...HOME } });
    const images = ((await r.json()) as { images: Array<{ id: string; visibility: string }> }).images;
    const id = images.find((i) => i.visibility === 'public')?.id;
    if (!id) throw new Error(`${url}: no public image at home`);
    return id;
  };
  const [demoImage, labImage] = await Promise.all([publicImage(harness.url), publicImage(lab.url)]);
  [fake, real] = await Promise.all([prepare('fake', harness.url, demoImage), prepare('real', lab.url, labImage)]);
});

afterAll(async () => {
  for (const w of [fake, real]) for (const undo of (w?.cleanups ?? []).reverse()) await undo().catch(() => undefined);
  await lab?.close();
  await harness?.close();
});

describe('the demo fakes answer like the real lab services (through the proxy)', () => {
  it.each(REPLAYS.map((r) => [r.name, r] as const))('%s', async (_name, replay) => {
    const ask = (w: World) =>
      send(w, replay.method ?? 'GET', replay.path(w), {
        headers: {
          ...replay.headers,
          ...(replay.name === 'keystone: validate a token' ? { 'x-subject-token': w.token } : {}),
        },
        body: replay.body?.(w),
        token: replay.token === null ? null : replay.token ? replay.token(w) : undefined,
      });
    const [f, r] = [await ask(fake), await ask(real)];
    const problems = compareAnswers(f, r);
    if (replay.paging) {
      const fl = nextLink(f.json);
      const rl = nextLink(r.json);
      if (rl === undefined) problems.push('the real service gave no next link: the lab has too few items');
      if (linkShape(fake.url, fl) !== linkShape(real.url, rl))
        problems.push(`next link: fake ${linkShape(fake.url, fl)}, real ${linkShape(real.url, rl)}`);
      // The second page, as a client follows the link.
      const follow = (w: World, href: unknown) =>
        send(w, 'GET', new URL(String(href), `${w.url}${replay.path(w)}`).href.slice(w.url.length), {
          headers: replay.headers,
        });
      if (typeof fl === 'string' && typeof rl === 'string') {
        // Whether a third page follows depends on how many items each world has, not on the shape.
        const pageTwo = compareAnswers(await follow(fake, fl), await follow(real, rl), [/^\.\w+_links/, /^\.next$/]);
        problems.push(...pageTwo.map((p) => `page 2: ${p}`));
      }
    }
    expect(problems).toEqual([]);
  });

  it.each([
    'cinder: volume create',
    'nova: server create',
    'neutron: network create',
    'neutron: subnet create',
    'neutron: security group create',
    'neutron: port create',
  ])('%s', (name) => {
    expect(compareAnswers(fake.created[name] as Answer, real.created[name] as Answer)).toEqual([]);
  });
});

function compareAnswers(f: Answer, r: Answer, dataDependent: RegExp[] = []): string[] {
  const problems: string[] = [];
  if (f.status !== r.status) problems.push(`status: fake ${f.status}, real ${r.status} (${r.text.slice(0, 200)})`);
  const media = (a: Answer) => (a.headers.get('content-type') ?? '').split(';')[0]?.trim();
  if (media(f) !== media(r)) problems.push(`content-type: fake ${media(f)}, real ${media(r)}`);
  // The microversion that served the call: clients parse the body by it.
  const served = (a: Answer) => a.headers.get('openstack-api-version');
  if (served(f) !== served(r)) problems.push(`openstack-api-version: fake ${served(f)}, real ${served(r)}`);
  for (const h of CLIENT_HEADERS) {
    if (f.headers.has(h) !== r.headers.has(h))
      problems.push(
        `header ${h}: fake ${f.headers.has(h) ? 'sends' : 'omits'} it, real ${r.headers.has(h) ? 'sends' : 'omits'} it`,
      );
  }
  problems.push(...compareShapes('body', f.json, r.json, dataDependent));
  return problems;
}
