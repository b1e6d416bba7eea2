import { execFile } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { promisify } from 'node:util';
import { demoCliEnv } from '../support/openstack-cli';
import { keystoneLogin, labInfo, startLabProxy, type LabProxy } from '../support/lab';

// Nova, Cinder and Glance as Debian's unmodified clients see them through a freshly started proxy on the lab's
// real services (docs/compute-volume-image.md): version discovery before anyone logged in, microversions, chunked
// uploads, empty ids, NAME@provider, where a resource lives, instance actions of a deleted server.
jest.setTimeout(900_000);
const run = promisify(execFile);

interface Cloud {
  endpoints: Record<string, string>;
  image?: { id: string; name: string };
}
// deploy/lab/openstack.sh records its clouds in lab.json; its default ports when a later up.sh run left them out.
const DEFAULT_CLOUDS: Record<string, Cloud> = {
  home: {
    endpoints: {
      compute: 'http://127.0.0.1:8774/v2.1',
      volume: 'http://127.0.0.1:8776/v3',
      image: 'http://127.0.0.1:9292',
    },
  },
  'bu-keystone': {
    endpoints: {
      compute: 'http://127.0.0.1:8775/v2.1',
      volume: 'http://127.0.0.1:8777/v3',
      image: 'http://127.0.0.1:9293',
    },
  },
};
const clouds =
  (labInfo() as unknown as { openstack?: { clouds: Record<string, Cloud> } }).openstack?.clouds ?? DEFAULT_CLOUDS;
const IMAGE_NAME = clouds['bu-keystone']?.image?.name ?? 'ocx-lab-image';

/** The id of bu-keystone's lab image, asked of its own Glance by its admin. */
async function buImageId(): Promise<string> {
  const lab = labInfo();
  const admin = await keystoneLogin(
    lab.providers['bu-keystone']!.keystone,
    'admin',
    lab.providers['bu-keystone']!.admin_password,
    'admin',
  );
  const res = await fetch(`${roots(clouds['bu-keystone']!).image}/v2/images?name=${IMAGE_NAME}`, {
    headers: { 'x-auth-token': admin.token },
  });
  const images = ((await res.json()) as { images: { id: string; visibility: string }[] }).images;
  const pub = images.filter((i) => i.visibility === 'public');
  if (pub.length !== 1) throw new Error(`bu-keystone has ${pub.length} public images named ${IMAGE_NAME}`);
  return (pub[0] as { id: string }).id;
}
const CLOUDS = ['home', 'bu-keystone'] as const;
const roots = (c: Cloud) => ({
  compute: c.endpoints['compute']!.replace(/\/v2(\.1)?\/?$/, ''),
  volume: c.endpoints['volume']!.replace(/\/v3\/?$/, ''),
  image: c.endpoints['image']!.replace(/\/+$/, ''),
});
const versionsConfig = { roots: Object.fromEntries(CLOUDS.map((c) => [c, roots(clouds[c]!)])) };

let p: LabProxy;
const made: { servers: string[]; volumes: string[]; images: string[] } = { servers: [], volumes: [], images: [] };
let token = '';
let projectId = '';

beforeAll(async () => {
  p = await startLabProxy({ versions: versionsConfig, timeouts: { connect: '2s', response: '60s', request: '120s' } });
});
afterAll(async () => {
  await Promise.allSettled(made.servers.map((id) => openstack('server', 'delete', '--wait', id)));
  await Promise.allSettled(made.volumes.map((id) => openstack('volume', 'delete', id)));
  await Promise.allSettled(made.images.map((id) => proxyFetch('DELETE', `/image/v2/images/${id}`)));
  await p?.close();
});

function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...demoCliEnv(p.url), HOME: '/tmp', ...extra };
}
async function cli(env: NodeJS.ProcessEnv, ...args: string[]): Promise<string> {
  try {
    return (await run('/usr/bin/openstack', args, { timeout: 240_000, env })).stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`openstack ${args.join(' ')}: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}
const openstack = (...args: string[]) => cli(cliEnv({ OS_COMPUTE_API_VERSION: '2.37' }), ...args);
const osJson = async <T>(...args: string[]): Promise<T> => JSON.parse(await openstack(...args, '-f', 'json')) as T;

/** A tiny server of bu-keystone's lab image without a network, waited for; `options` go before `--wait`. */
async function imageServer(name: string, ...options: string[]): Promise<{ id: string }> {
  const server = await osJson<{ id: string }>(
    'server',
    'create',
    '--flavor',
    'm1.tiny',
    '--image',
    `${IMAGE_NAME}@bu-keystone`,
    '--nic',
    'none',
    ...options,
    '--wait',
    name,
  );
  made.servers.push(server.id);
  return server;
}

async function proxyFetch(method: string, path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${p.url}${path}`, { method, headers: { 'x-auth-token': token, ...headers } });
}

/** A provider document with its own root URL replaced by the proxy's, as the proxy should answer it. */
async function providerDoc(url: string, from: string, to: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url);
  const text = (await res.text()).split(from).join(to);
  return { status: res.status, body: JSON.parse(text) };
}

describe('version discovery on a freshly started proxy, before any authenticated call', () => {
  it('every path form answers what the providers’ own documents say (links at the proxy)', async () => {
    const forms: Array<[service: 'compute' | 'volume' | 'image', proxyPaths: string[], providerPath: string]> = [
      ['compute', ['/compute', '/compute/'], '/'],
      ['compute', ['/compute/v2.1', '/compute/v2.1/'], '/v2.1/'],
      ['volume', ['/volume', '/volume/'], '/'],
      // Cinder's /v3/ needs a token at the provider; its body is the root's list (status 200).
      ['volume', ['/volume/v3', '/volume/v3/'], '/'],
      ['image', ['/image', '/image/'], '/'],
      ['image', ['/image/versions'], '/versions'],
    ];
    for (const [service, paths, providerPath] of forms) {
      const expected = await Promise.all(
        CLOUDS.map((c) =>
          providerDoc(
            `${roots(clouds[c]!)[service]}${providerPath}`,
            roots(clouds[c]!)[service],
            `${p.url}/${service}`,
          ),
        ),
      );
      // Both providers run the same release: the narrowest document is either one's.
      expect(expected[1]?.body).toEqual(expected[0]?.body);
      for (const path of paths) {
        const res = await fetch(`${p.url}${path}`);
        const body = await res.json();
        const status = service === 'volume' && path.includes('/v3') ? 200 : expected[0]?.status;
        expect({ path, status: res.status, body }).toEqual({ path, status, body: expected[0]?.body });
      }
    }
  });

  it('openstack --os-compute-api-version 2.37 flavor list and --os-volume-api-version 3.44 volume list work', async () => {
    const flavors = JSON.parse(
      await cli(cliEnv(), '--os-compute-api-version', '2.37', 'flavor', 'list', '-f', 'json'),
    ) as { Name: string }[];
    expect(flavors.map((f) => f.Name)).toContain('m1.tiny');
    const volumes = JSON.parse(await cli(cliEnv(), '--os-volume-api-version', '3.44', 'volume', 'list', '-f', 'json'));
    expect(Array.isArray(volumes)).toBe(true);
  });
});

describe('through the proxy, logged in', () => {
  beforeAll(async () => {
    const login = await keystoneLogin(`${p.url}/identity`, 'demo', 'demo-secret', 'demo');
    token = login.token;
    projectId = (login.body as { token: { project: { id: string } } }).token.project.id;
  });

  it('merged listings echo the microversion as Nova and Cinder do', async () => {
    for (const path of ['/compute/v2.1/servers', '/compute/v2.1/servers/detail']) {
      const res = await proxyFetch('GET', path, { 'openstack-api-version': 'compute 2.37' });
      expect({ path, status: res.status, v: res.headers.get('openstack-api-version') }).toEqual({
        path,
        status: 200,
        v: 'compute 2.37',
      });
      expect(res.headers.get('x-openstack-nova-api-version')).toBe('2.37');
      expect(res.headers.get('vary')).toMatch(/OpenStack-API-Version/);
    }
    for (const sub of ['volumes', 'volumes/detail', 'snapshots/detail', 'types', 'os-availability-zone']) {
      const res = await proxyFetch('GET', `/volume/v3/${projectId}/${sub}`, { 'openstack-api-version': 'volume 3.44' });
      expect({ sub, status: res.status, v: res.headers.get('openstack-api-version') }).toEqual({
        sub,
        status: 200,
        v: 'volume 3.44',
      });
    }
  });

  it('a chunked image upload (no Content-Length) is accepted as Glance accepts it: 204, image active', async () => {
    const res = await fetch(`${p.url}/image/v2/images`, {
      method: 'POST',
      headers: { 'x-auth-token': token, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ocx-chunked', disk_format: 'raw', container_format: 'bare' }),
    });
    const id = ((await res.json()) as { id: string }).id;
    made.images.push(id);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${p.url}/image/v2/images/${id}/file`, {
        method: 'PUT',
        headers: { 'x-auth-token': token, 'content-type': 'application/octet-stream' },
      });
      req.on('response', (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write(Buffer.alloc(65_536, 1));
      setTimeout(() => req.end(Buffer.alloc(10_000, 2)), 50);
    });
    expect(status).toBe(204);
    const shown = (await (await proxyFetch('GET', `/image/v2/images/${id}`)).json()) as {
      status: string;
      size: number;
    };
    expect(shown).toMatchObject({ status: 'active', size: 75_536 });
  });

  it('empty ids are 404 as the services answer them', async () => {
    for (const [method, path] of [
      ['GET', '/image/v2/images/'],
      ['DELETE', '/image/v2/images/'],
      ['GET', '/compute/v2.1/os-volumes/'],
      ['GET', `/volume/v3/${projectId}/volumes/`],
    ] as const) {
      const res = await proxyFetch(method, path);
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
    }
  });

  it('NAME@provider resolves images and volumes by name; a bare name at two providers stays ambiguous', async () => {
    const shown = await osJson<{ id: string; name: string }>('image', 'show', `${IMAGE_NAME}@bu-keystone`);
    expect(shown.id).toBe(await buImageId());
    // Both clouds publish an image of that name.
    await expect(openstack('image', 'show', IMAGE_NAME)).rejects.toThrow(/More than one|multiple/i);
    const name = `ocx-named-${Date.now().toString(36)}`;
    const vol = await osJson<{ id: string; name: string }>('volume', 'create', '--size', '1', `${name}@bu-keystone`);
    made.volumes.push(vol.id);
    expect(vol.name).toBe(name);
    const again = await osJson<{ id: string }>('volume', 'show', `${name}@bu-keystone`);
    expect(again.id).toBe(vol.id);
  });

  it('server create --image NAME@bu-keystone --nic none at home and --availability-zone bu-keystone; server list --long shows where each runs', async () => {
    const a = await imageServer('ocx-cv-home');
    const b = await imageServer('ocx-cv-bu', '--availability-zone', 'bu-keystone');
    const list = await osJson<Array<{ ID: string; 'Availability Zone': string }>>('server', 'list', '--long');
    const zone = (id: string) => list.find((s) => s.ID === id)?.['Availability Zone'];
    expect(zone(a.id)).toMatch(/^home(:|$)/);
    expect(zone(b.id)).toMatch(/^bu-keystone(:|$)/);
    const shown = await proxyFetch('GET', `/compute/v2.1/servers/${b.id}`);
    expect(shown.headers.get('x-ocx-provider')).toBe('bu-keystone');
    // By name with the provider, as the client's find resolves it.
    expect((await osJson<{ id: string }>('server', 'show', 'ocx-cv-bu@bu-keystone')).id).toBe(b.id);
    // A server created with the zone the listing shows goes back to that provider.
    const c = await imageServer('ocx-cv-zone', '--availability-zone', String(zone(b.id)));
    expect((await proxyFetch('GET', `/compute/v2.1/servers/${c.id}`)).headers.get('x-ocx-provider')).toBe(
      'bu-keystone',
    );
  });

  it('the instance actions of a deleted server stay readable at 2.21, also on a proxy that never saw it', async () => {
    const id = made.servers.pop() as string;
    await openstack('server', 'delete', '--wait', id);
    const fresh = await startLabProxy({ versions: versionsConfig });
    try {
      const login = await keystoneLogin(`${fresh.url}/identity`, 'demo', 'demo-secret', 'demo');
      const res = await fetch(`${fresh.url}/compute/v2.1/servers/${id}/os-instance-actions`, {
        headers: { 'x-auth-token': login.token, 'openstack-api-version': 'compute 2.21' },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ocx-provider')).toBe('bu-keystone');
      const actions = ((await res.json()) as { instanceActions: { action: string }[] }).instanceActions;
      expect(actions.map((x) => x.action)).toEqual(expect.arrayContaining(['create', 'delete']));
    } finally {
      await fresh.close();
    }
  });
});
