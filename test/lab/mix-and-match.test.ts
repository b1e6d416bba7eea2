// Mix and match against the lab's real Glance, Cinder and Nova (deploy/lab/openstack.sh, docs/mix-and-match.md):
// Debian's unmodified `openstack`, `cinder` and `nova` CLIs through an in-process proxy on the lab config. The
// home Nova reaches Cinder and Glance through the lab proxy at lab.json "proxy" (its nova.conf), so the calls it
// makes for a foreign volume or image are observed where they land: in bu-keystone's cinder-api and glance-api
// logs (user = the demo user's K2K shadow user at bu-keystone, project = its mapped project, both from the
// provider token) and in bu-keystone's state read by its admin. Fails (never skips) when the lab lacks them.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, statSync } from 'node:fs';
import request from 'supertest';
import { authenticate } from '../../src/identity/caller';
import { keystoneLogin, labInfo, startLabProxy, LAB_DIR, type LabProxy } from '../support/lab';
import { passwordAuth } from '../support/keystone-auth';
import { demoCliEnv, runClient } from '../support/openstack-cli';

jest.setTimeout(300_000);

interface CloudInfo {
  keystone: string;
  endpoints: { image: string; volume: string; compute: string };
  image: { id: string; name: string };
}
const lab = labInfo() as ReturnType<typeof labInfo> & { openstack?: { clouds?: Record<string, CloudInfo> } };
const tag = `mm${Date.now().toString(36)}`;

let p: LabProxy;
let cloud: { home: CloudInfo; bu: CloudInfo };
/** bu-keystone admin: token and admin project id; the demo user's shadow user and mapped project there. */
let buAdmin: { token: string; project: string };
let homeAdmin: { token: string; project: string };
let buUser: { id: string; project: string };

function cloudInfo(name: string): CloudInfo {
  const c = lab.openstack?.clouds?.[name];
  if (!c?.endpoints?.volume || !c.image?.id) {
    throw new Error(`${LAB_DIR}/lab.json has no openstack.clouds.${name}: start the lab's Glance/Cinder/Nova first`);
  }
  return c;
}

async function answers(url: string): Promise<number> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(5000) })).status;
  } catch {
    return 0;
  }
}

async function adminLogin(keystone: string, password: string): Promise<{ token: string; project: string }> {
  const { token, body } = await keystoneLogin(keystone, 'admin', password, 'admin');
  return { token, project: (body as { token: { project: { id: string } } }).token.project.id };
}

beforeAll(async () => {
  cloud = { home: cloudInfo('home'), bu: cloudInfo('bu-keystone') };
  for (const c of [cloud.home, cloud.bu]) {
    for (const url of Object.values(c.endpoints)) {
      const status = await answers(url.replace(/\/v[23](\.1)?$/, '/'));
      if (status === 0 || status >= 500) throw new Error(`lab service ${url} does not answer (HTTP ${status})`);
    }
  }
  // The home Nova's [cinder]/[glance] endpoints: the lab proxy must serve them (a proxy older than the Nova/Cinder/
  // Glance fronts answers 404 there, and every boot at home then fails with "Can not find requested image").
  // Without a token the proxy answers its version documents with 401 (real services: 300).
  for (const path of ['/volume/', '/image/']) {
    const status = await answers(`${lab.proxy}${path}`);
    if (![200, 300, 401].includes(status)) {
      throw new Error(`the lab proxy ${lab.proxy} (the home Nova's Cinder/Glance) answers ${path} with HTTP ${status}`);
    }
  }
  p = await startLabProxy({ timeouts: { connect: '2s', response: '60s', request: '120s' } });
  buAdmin = await adminLogin(cloud.bu.keystone, lab.providers['bu-keystone']!.admin_password);
  homeAdmin = await adminLogin(cloud.home.keystone, lab.home.admin_password);
  // The demo user's provider token, as the proxy holds it, tells its shadow user and mapped project at bu-keystone.
  const login = await request(p.server)
    .post('/identity/v3/auth/tokens')
    .send(passwordAuth('demo', 'demo-secret', 'demo'));
  const caller = await authenticate(
    { 'x-auth-token': login.headers['x-subject-token'] as string },
    p.proxy.deps.validator,
  );
  const session = await p.proxy.deps.sessions.get(caller, 'bu-keystone');
  const shown = await fetch(`${cloud.bu.keystone}/v3/auth/tokens`, {
    headers: { 'x-auth-token': buAdmin.token, 'x-subject-token': session.token },
  });
  const token = ((await shown.json()) as { token: { user: { id: string }; project: { id: string } } }).token;
  buUser = { id: token.user.id, project: token.project.id };
});

const created = { servers: [] as string[], volumes: [] as string[] };
afterAll(async () => {
  if (!p) return;
  // Deleting a server detaches its volumes (Nova), then the volumes can go.
  await Promise.allSettled(created.servers.map((id) => openstack('server', 'delete', '--wait', id)));
  await Promise.allSettled(
    created.volumes.map(async (id) => {
      await waitFor(
        `volume ${id} detached`,
        () => volumeAtProvider(id),
        (v) => v?.status !== 'in-use',
        60,
      );
      await openstack('volume', 'delete', id);
    }),
  );
  await p.close();
}, 240_000);

// ------------------------------------------------------------------------------------------------ helpers

function cliEnv(): NodeJS.ProcessEnv {
  return {
    ...demoCliEnv(p.url),
    HOME: '/tmp',
    // `--nic none` needs compute 2.37 (the lab has only a read-only Neutron stub).
    OS_COMPUTE_API_VERSION: '2.37',
  };
}

const cli = (bin: string, ...args: string[]): Promise<string> => runClient(bin, args, cliEnv(), 180_000);
const openstack = (...args: string[]) => cli('openstack', ...args);
const osJson = async <T>(...args: string[]): Promise<T> => JSON.parse(await openstack(...args, '-f', 'json')) as T;

async function waitFor<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, seconds = 90): Promise<T> {
  let last: T | undefined;
  for (const until = Date.now() + seconds * 1000; Date.now() < until;) {
    last = await get();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`timed out after ${seconds} s waiting for ${what}; last: ${JSON.stringify(last)}`);
}

interface ProviderVolume {
  id: string;
  status: string;
  'os-vol-tenant-attr:tenant_id': string;
  attachments: { server_id: string; attachment_id: string }[];
}

/** The volume as bu-keystone's admin sees it at bu-keystone's own Cinder (not through the proxy). */
async function volumeAtProvider(id: string, c = cloud.bu, admin = buAdmin): Promise<ProviderVolume | undefined> {
  const res = await fetch(`${c.endpoints.volume}/${admin.project}/volumes/${id}`, {
    headers: { 'x-auth-token': admin.token, 'openstack-api-version': 'volume 3.27' },
  });
  return res.status === 200 ? ((await res.json()) as { volume: ProviderVolume }).volume : undefined;
}

async function serverAt(
  c: CloudInfo,
  admin: { token: string },
  id: string,
): Promise<{ tenant_id: string } | undefined> {
  const res = await fetch(`${c.endpoints.compute}/servers/${id}`, { headers: { 'x-auth-token': admin.token } });
  return res.status === 200 ? ((await res.json()) as { server: { tenant_id: string } }).server : undefined;
}

/** One API request as an OpenStack service logs it (oslo context: global id, request id, user, project). */
interface LoggedCall {
  user: string;
  project: string;
  method: string;
  path: string;
}

const logFile = (service: string) =>
  service === 'proxy' ? `${LAB_DIR}/logs/proxy.log` : `${LAB_DIR}/logs/os-bu-keystone-${service}.log`;
const logMark = (service: string): number => statSync(logFile(service)).size;
function logSince(service: string, mark: number): string {
  return readFileSync(logFile(service)).subarray(mark).toString('utf8');
}

/** cinder-api: `cinder.api.openstack.wsgi [GLOBAL REQ USER PROJECT - - DOMAIN default] POST http://host/v3/...`. */
function cinderCalls(mark: number): LoggedCall[] {
  const re =
    /cinder\.api\.openstack\.wsgi \[\S+ \S+ (\S+) (\S+) [^\]]*\] (GET|POST|PUT|DELETE) https?:\/\/[^/\s]+(\S+)/g;
  return [...logSince('cinder-api', mark).matchAll(re)].map((m) => ({
    user: m[1] as string,
    project: m[2] as string,
    method: m[3] as string,
    // The lab's logs are coloured: the line ends in ESC[00m.
    path: (m[4] as string).split('\u001b')[0] as string,
  }));
}

/** glance-api: `eventlet.wsgi.server [GLOBAL REQ USER PROJECT ...] 127.0.0.1 - - [date] "GET /v2/... HTTP/1.1" 200`. */
function glanceCalls(mark: number): LoggedCall[] {
  const re = /eventlet\.wsgi\.server \[\S+ \S+ (\S+) (\S+) [^\]]*\] \S+ - - \[[^\]]+\] "(\w+) (\S+) HTTP/g;
  return [...logSince('glance-api', mark).matchAll(re)].map((m) => ({
    user: m[1] as string,
    project: m[2] as string,
    method: m[3] as string,
    path: m[4] as string,
  }));
}

/**
 * The calls bu-keystone's Cinder logged after `mark` for `volumeId` and its attachment `attachmentId` (the body of
 * `POST /attachments` is not logged: every such call counts), ids replaced by VOL and ATT. Each was made by the
 * demo user's shadow user in its mapped project, i.e. with the provider token.
 */
function cinderFlow(mark: number, volumeId: string, attachmentId: string): string[] {
  const base = `/v3/${buUser.project}`;
  const out: string[] = [];
  for (const c of cinderCalls(mark)) {
    if (!c.path.startsWith(`${base}/`)) continue;
    const rest = c.path.slice(base.length).split('?')[0] as string;
    if (!rest.includes(volumeId) && !rest.includes(attachmentId) && rest !== '/attachments') continue;
    expect({ user: c.user, project: c.project }).toEqual({ user: buUser.id, project: buUser.project });
    out.push(`${c.method} ${rest.replace(volumeId, 'VOL').replace(attachmentId, 'ATT')}`);
  }
  return out;
}

/**
 * What the lab proxy (the home Nova's Cinder and Glance; the CLIs use the in-process one) logged after `mark`:
 * `METHOD path -> provider status` for the lines whose path contains `id`.
 */
function labProxyCalls(mark: number, id: string): string[] {
  const out: string[] = [];
  for (const line of logSince('proxy', mark).split('\n')) {
    if (!line.includes(id)) continue;
    try {
      const r = JSON.parse(line) as { method?: string; path?: string; status?: number; provider?: string };
      if (r.method && r.path) out.push(`${r.method} ${r.path.replace(id, 'ID')} -> ${r.provider} ${r.status}`);
    } catch {
      // not a request line
    }
  }
  return out;
}

/** `expected` occurs in `actual` in this order (other calls may come between). */
function expectInOrder(actual: string[], expected: string[]): void {
  let at = 0;
  for (const call of actual) if (call === expected[at]) at++;
  if (at < expected.length) {
    throw new Error(
      `expected, in order: ${expected.join(' | ')}\nmissing from ${expected[at]} on; got: ${actual.join(' | ')}`,
    );
  }
}

/** Nova Zed attaching a volume (nova/compute/api.py, nova/virt/block_device.py), as bu-keystone's Cinder sees it. */
const NOVA_ATTACH = [
  'GET /volumes/VOL', // nova-api: volume_api.get (the proxy may first have asked every provider where VOL is)
  'POST /attachments', // nova-api: attachment_create, reserves the volume
  'GET /volumes/VOL', // nova-compute: volume_api.get at 3.48
  'PUT /attachments/ATT', // nova-compute: attachment_update with the host connector
  'POST /attachments/ATT/action', // nova-compute: attachment_complete -> in-use
];

async function createVolume(name: string, zone?: string): Promise<string> {
  const zoneArgs = zone ? ['--availability-zone', zone] : [];
  const vol = await osJson<{ id: string }>('volume', 'create', '--size', '1', ...zoneArgs, name);
  created.volumes.push(vol.id);
  await waitFor(
    `volume ${name} available`,
    () => osJson<{ status: string }>('volume', 'show', vol.id),
    (v) => ['available', 'error'].includes(v.status),
  );
  return vol.id;
}

async function createServer(name: string, ...args: string[]): Promise<{ id: string; status: string }> {
  const srv = await osJson<{ id: string; status: string }>(
    'server',
    'create',
    '--flavor',
    'm1.tiny',
    '--nic',
    'none',
    '--wait',
    ...args,
    name,
  );
  created.servers.push(srv.id);
  return srv;
}

// ------------------------------------------------------------------------------------------------ tests

let buVol: string;
let homeVol: string;

describe('volumes of both clouds through the proxy', () => {
  it('volume create --availability-zone bu-keystone puts the volume at bu-keystone, in the mapped project', async () => {
    buVol = await createVolume(`${tag}-bu`, 'bu-keystone');
    homeVol = await createVolume(`${tag}-home`);
    const atBu = await volumeAtProvider(buVol);
    expect(atBu?.status).toBe('available');
    expect(atBu?.['os-vol-tenant-attr:tenant_id']).toBe(buUser.project);
    expect(await volumeAtProvider(buVol, cloud.home, homeAdmin)).toBeUndefined();
    expect((await volumeAtProvider(homeVol, cloud.home, homeAdmin))?.status).toBe('available');
    expect(await volumeAtProvider(homeVol)).toBeUndefined();
  });

  it('volume list / cinder list: one list of both clouds, created_at desc; --limit/--marker walks it exactly', async () => {
    const token = (await osJson<{ id: string }>('token', 'issue')).id;
    const project = (await osJson<{ project_id: string }>('token', 'issue')).project_id;
    const detail = await request(p.server).get(`/volume/v3/${project}/volumes/detail`).set('x-auth-token', token);
    const api = detail.body.volumes as { id: string; created_at: string }[];
    const order = [...api].sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id));
    expect(api.map((v) => v.id)).toEqual(order.map((v) => v.id));
    expect(api.map((v) => v.id)).toEqual(expect.arrayContaining([buVol, homeVol]));

    const all = (await osJson<{ ID: string }[]>('volume', 'list')).map((v) => v.ID);
    expect(all).toEqual(api.map((v) => v.id));
    const walked: string[] = [];
    for (let marker: string | undefined, i = 0; i < 50; i++) {
      const page = await osJson<{ ID: string }[]>(
        'volume',
        'list',
        '--limit',
        '2',
        ...(marker ? ['--marker', marker] : []),
      );
      walked.push(...page.map((v) => v.ID));
      if (page.length < 2) break;
      marker = page.at(-1)?.ID;
    }
    // The lab is shared: compare the volumes that existed before and after the walk.
    const after = new Set((await osJson<{ ID: string }[]>('volume', 'list')).map((v) => v.ID));
    const stable = (ids: string[]) => ids.filter((id) => after.has(id) && all.includes(id));
    expect(new Set(walked).size).toBe(walked.length);
    expect(stable(walked)).toEqual(stable(all));
    // cinder(1) sorts its table by ID unless told a sort; with the service's own order it matches.
    const table = await cli('cinder', 'list', '--sort', 'created_at:desc');
    expect(table.match(/[0-9a-f]{8}-[0-9a-f-]{27}/g)).toEqual(all);
  });
});

describe('the home Nova attaches a bu-keystone volume (scenario 2)', () => {
  let server: string;
  let attachment: string;
  beforeAll(async () => {
    const srv = await createServer(`${tag}-vm`, '--image', cloud.home.image.id);
    expect(srv.status).toBe('ACTIVE');
    server = srv.id;
  });

  it("nova volume-attach SERVER VOL@bu-keystone: Nova calls bu-keystone's Cinder with the provider token; in-use", async () => {
    const mark = logMark('cinder-api');
    const proxyMark = logMark('proxy');
    const out = await cli('nova', 'volume-attach', server, `${buVol}@bu-keystone`);
    expect(out).toContain(buVol);
    const vol = await waitFor(
      `${buVol} in-use at bu-keystone`,
      () => volumeAtProvider(buVol),
      (v) => v?.status === 'in-use' || v?.status === 'error',
    );
    expect(vol?.status).toBe('in-use');
    expect(vol?.attachments.map((a) => a.server_id)).toEqual([server]);
    attachment = vol?.attachments[0]?.attachment_id as string;
    expectInOrder(cinderFlow(mark, buVol, attachment), NOVA_ATTACH);
    // The home Nova's calls went through the lab proxy, which sent them to bu-keystone.
    expect(labProxyCalls(proxyMark, attachment)).toEqual([
      expect.stringMatching(/^PUT \S*\/attachments\/ID -> bu-keystone 200$/),
      expect.stringMatching(/^POST \S*\/attachments\/ID\/action -> bu-keystone 204$/),
    ]);
    expect(labProxyCalls(proxyMark, buVol)).toContainEqual(
      expect.stringMatching(/^GET \S*\/volumes\/ID -> bu-keystone 200$/),
    );
    const shown = await osJson<{ volumes_attached: unknown }>('server', 'show', server);
    expect(JSON.stringify(shown.volumes_attached)).toContain(buVol);
  });

  it('openstack server add volume SERVER VOL@bu-keystone: in-use at bu-keystone, attached to the home server', async () => {
    const second = await createVolume(`${tag}-bu-2`, 'bu-keystone');
    const mark = logMark('cinder-api');
    await openstack('server', 'add', 'volume', server, `${second}@bu-keystone`);
    const vol = await waitFor(
      `${second} in-use at bu-keystone`,
      () => volumeAtProvider(second),
      (v) => v?.status === 'in-use' || v?.status === 'error',
    );
    expect(vol?.attachments.map((a) => a.server_id)).toEqual([server]);
    expectInOrder(cinderFlow(mark, second, vol?.attachments[0]?.attachment_id as string), NOVA_ATTACH);
  });

  it('openstack server remove volume SERVER VOL@bu-keystone detaches it at bu-keystone', async () => {
    const mark = logMark('cinder-api');
    await openstack('server', 'remove', 'volume', server, `${buVol}@bu-keystone`);
    const vol = await waitFor(
      `${buVol} detached at bu-keystone`,
      () => volumeAtProvider(buVol),
      (v) => v?.status !== 'in-use' && v?.status !== 'detaching',
    );
    expect(vol?.status).toBe('available');
    // nova-api: begin_detaching; nova-compute: attachment_delete (without the service token: bu-keystone's Cinder
    // asks its own Nova about the home server, gets a 404 and allows it).
    expectInOrder(cinderFlow(mark, buVol, attachment), ['POST /volumes/VOL/action', 'DELETE /attachments/ATT']);
  });
});

describe('servers from and at bu-keystone (scenarios 1 and 4)', () => {
  let fromBu: string;

  it("server create --image IMG@bu-keystone boots at home; Nova shows the image at bu-keystone's Glance", async () => {
    const img = cloud.bu.image.id;
    const mark = logMark('glance-api');
    const proxyMark = logMark('proxy');
    const srv = await createServer(`${tag}-from-bu`, '--image', `${img}@bu-keystone`);
    expect(srv.status).toBe('ACTIVE');
    fromBu = srv.id;
    expect(await serverAt(cloud.home, homeAdmin, srv.id)).toBeDefined();
    const shown = await osJson<{ image: string }>('server', 'show', srv.id);
    expect(shown.image).toContain(img);
    const calls = glanceCalls(mark).filter((c) => c.path === `/v2/images/${img}`);
    expect(calls.length).toBeGreaterThan(0);
    for (const c of calls)
      expect({ user: c.user, project: c.project }).toEqual({ user: buUser.id, project: buUser.project });
    // The home Nova's image check came through the lab proxy to bu-keystone's Glance.
    expect(labProxyCalls(proxyMark, img)).toContainEqual(
      expect.stringMatching(/^GET \S*\/v2\/images\/ID -> bu-keystone 200$/),
    );
  });

  it('the image data path a compute host downloads through: image save IMG@bu-keystone = the bytes at bu-keystone', async () => {
    const img = cloud.bu.image.id;
    const file = `/tmp/${tag}-image`;
    await openstack('image', 'save', '--file', file, `${img}@bu-keystone`);
    const direct = await fetch(`${cloud.bu.endpoints.image}/v2/images/${img}/file`, {
      headers: { 'x-auth-token': buAdmin.token },
    });
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const saved = readFileSync(file);
    rmSync(file, { force: true });
    expect(sha(saved)).toBe(sha(Buffer.from(await direct.arrayBuffer())));
  });

  it('server create --availability-zone bu-keystone creates at bu-keystone; server list shows both', async () => {
    const srv = await createServer(
      `${tag}-at-bu`,
      '--availability-zone',
      'bu-keystone',
      '--image',
      `${cloud.bu.image.id}@bu-keystone`,
    );
    expect(srv.status).toBe('ACTIVE');
    expect((await serverAt(cloud.bu, buAdmin, srv.id))?.tenant_id).toBe(buUser.project);
    expect(await serverAt(cloud.home, homeAdmin, srv.id)).toBeUndefined();
    const names = (await osJson<{ ID: string }[]>('server', 'list')).map((s) => s.ID);
    expect(names).toEqual(expect.arrayContaining([srv.id, fromBu]));
  });
});
