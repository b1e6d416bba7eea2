import { createHash, randomBytes } from 'node:crypto';
import { eventually } from '../support/eventually';
import { keystoneLogin, labInfo } from '../support/lab';

// The lab's real Glance, Cinder and Nova (deploy/lab/openstack.sh, docs/lab-openstack.md), called DIRECTLY at
// their own ports with tokens of each cloud's own Keystone: this proves the services the proxy will front, not
// the proxy. Services left out of OCX_LAB_SERVICES (a quick lab) are skipped; services asked for must be there.
jest.setTimeout(300_000);

interface ServiceUser {
  name: string;
  password: string;
  project: string;
  roles: string[];
}
interface OpenStackCloud {
  keystone: string;
  ports: Record<string, number>;
  endpoints: Record<string, string>;
  service_users: ServiceUser[];
  availability_zone?: string;
  image?: { id: string; name: string };
  flavors?: Array<{ id: string; name: string }>;
  nova?: { glance_api_servers: string; cinder_endpoint_template: string; compute_host: string };
}
interface OpenStackLab {
  services: string[];
  nova_via_proxy: boolean;
  clouds: Record<string, OpenStackCloud>;
}

const WANTED = new Set((process.env['OCX_LAB_SERVICES'] ?? 'keystone,swift,glance,cinder,nova').split(','));
const CLOUDS = ['home', 'bu-keystone'] as const;
const RUN = `ocx-ostest-${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const COMPUTE_VERSION = { 'openstack-api-version': 'compute 2.74' }; // >= 2.37 for "networks": "none"

function openstackLab(service: string): OpenStackLab {
  const os = (labInfo() as unknown as { openstack?: OpenStackLab }).openstack;
  if (!os?.services.includes(service)) {
    throw new Error(`lab.json lists no "${service}" under "openstack": run deploy/lab/up.sh (OCX_LAB_SERVICES)`);
  }
  return os;
}

/** Who calls each cloud: the non-admin demo user at home; admin at bu-keystone (it has only federated users). */
const CALLER: Record<string, { user: string; password: string; project: string }> = {
  home: { user: 'demo', password: 'demo-secret', project: 'demo' },
  'bu-keystone': { user: 'admin', password: 'admin-secret', project: 'admin' },
};

function keystoneOf(cloud: string): string {
  const lab = labInfo();
  return cloud === 'home' ? lab.home.keystone : lab.providers[cloud]!.keystone;
}

interface Session {
  token: string;
  projectId: string;
  catalog: Array<{ type: string; endpoints: Array<{ interface: string; url: string }> }>;
}
const sessions = new Map<string, Session>();
async function session(cloud: string, admin = false): Promise<Session> {
  const key = `${cloud}${admin ? ':admin' : ''}`;
  const cached = sessions.get(key);
  if (cached) return cached;
  const c = admin ? CALLER['bu-keystone']! : CALLER[cloud]!;
  const { token, body } = await keystoneLogin(keystoneOf(cloud), c.user, c.password, c.project);
  const t = body['token'] as { project: { id: string }; catalog: Session['catalog'] };
  const s = { token, projectId: t.project.id, catalog: t.catalog };
  sessions.set(key, s);
  return s;
}

interface Reply {
  status: number;
  body: Record<string, unknown>;
  raw: Buffer;
}
async function call(
  token: string,
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const isBytes = Buffer.isBuffer(body);
  const res = await fetch(url, {
    method,
    headers: {
      'x-auth-token': token,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': isBytes ? 'application/octet-stream' : 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : isBytes ? new Uint8Array(body as Buffer) : JSON.stringify(body),
  });
  const raw = Buffer.from(await res.arrayBuffer());
  let parsed: Record<string, unknown> = {};
  if ((res.headers.get('content-type') ?? '').includes('json') && raw.length) {
    parsed = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  }
  return { status: res.status, body: parsed, raw };
}

/** Polls a resource until its status is `want`; an `error` status fails at once with the resource's body. */
async function waitStatus(get: () => Promise<Reply>, key: string, want: string, timeoutMs: number): Promise<void> {
  let last: unknown;
  await eventually(async () => {
    const r = await get();
    const item = r.body[key] as { status?: string } | undefined;
    last = r.status === 200 ? item : r.status;
    if (item?.status?.toLowerCase() === 'error') throw new Error(`${key} went to error: ${JSON.stringify(item)}`);
    return item?.status?.toLowerCase() === want;
  }, timeoutMs).catch((e: Error) => {
    throw new Error(`${e.message}: ${key} never ${want}; last seen ${JSON.stringify(last)}`);
  });
}

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const undo of cleanups.reverse()) await undo().catch(() => undefined);
});

// Every service of the lab is tested: a lab started without one (OCX_LAB_SERVICES) fails here rather than skip.

describe('Glance (file store) at each cloud', () => {
  it.each(CLOUDS)('%s: the lab image is public and active', async (cloud) => {
    const c = openstackLab('glance').clouds[cloud]!;
    const s = await session(cloud);
    const r = await call(s.token, 'GET', `${c.endpoints['image']}/v2/images/${c.image!.id}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: 'ocx-lab-image', status: 'active', visibility: 'public' });
  });

  it.each(CLOUDS)('%s: create, upload, list, download and delete an image', async (cloud) => {
    const c = openstackLab('glance').clouds[cloud]!;
    const s = await session(cloud);
    const base = `${c.endpoints['image']}/v2/images`;
    const created = await call(s.token, 'POST', base, {
      name: `${RUN}-${cloud}`,
      disk_format: 'raw',
      container_format: 'bare',
    });
    expect(created.status).toBe(201);
    const id = created.body['id'] as string;
    cleanups.push(() => call(s.token, 'DELETE', `${base}/${id}`));
    const data = randomBytes(1024 * 1024 + 17);
    expect((await call(s.token, 'PUT', `${base}/${id}/file`, data)).status).toBe(204);
    const shown = await call(s.token, 'GET', `${base}/${id}`);
    expect(shown.body).toMatchObject({
      status: 'active',
      size: data.length,
      os_hash_algo: 'sha512',
      os_hash_value: createHash('sha512').update(data).digest('hex'),
    });
    const listed = await call(s.token, 'GET', `${base}?name=${encodeURIComponent(`${RUN}-${cloud}`)}`);
    expect((listed.body['images'] as Array<{ id: string }>).map((i) => i.id)).toEqual([id]);
    const download = await call(s.token, 'GET', `${base}/${id}/file`);
    expect(download.status).toBe(200);
    expect(download.raw.equals(data)).toBe(true);
    expect((await call(s.token, 'DELETE', `${base}/${id}`)).status).toBe(204);
    expect((await call(s.token, 'GET', `${base}/${id}`)).status).toBe(404);
  });
});

describe('Cinder (fake backend, RabbitMQ) at each cloud', () => {
  it.each(CLOUDS)('%s: the token catalog has volumev3 and block-storage at the lab port', async (cloud) => {
    const c = openstackLab('cinder').clouds[cloud]!;
    const s = await session(cloud);
    for (const type of ['volumev3', 'block-storage']) {
      const entry = s.catalog.find((e) => e.type === type);
      const pub = entry?.endpoints.find((e) => e.interface === 'public');
      expect(pub?.url).toBe(`${c.endpoints['volume']}/${s.projectId}`);
    }
  });

  it.each(CLOUDS)('%s: a volume reaches available, is listed, and is deleted', async (cloud) => {
    const c = openstackLab('cinder').clouds[cloud]!;
    const s = await session(cloud);
    const base = `${c.endpoints['volume']}/${s.projectId}/volumes`;
    const created = await call(s.token, 'POST', base, { volume: { size: 1, name: `${RUN}-${cloud}` } });
    expect(created.status).toBe(202);
    const id = (created.body['volume'] as { id: string }).id;
    cleanups.push(() => call(s.token, 'DELETE', `${base}/${id}`));
    await waitStatus(() => call(s.token, 'GET', `${base}/${id}`), 'volume', 'available', 60_000);
    const detail = await call(s.token, 'GET', `${base}/detail?name=${encodeURIComponent(`${RUN}-${cloud}`)}`);
    const vols = detail.body['volumes'] as Array<{ id: string; availability_zone: string }>;
    expect(vols.map((v) => [v.id, v.availability_zone])).toEqual([[id, c.availability_zone]]);
    expect((await call(s.token, 'DELETE', `${base}/${id}`)).status).toBe(202);
    await eventually(async () => (await call(s.token, 'GET', `${base}/${id}`)).status === 404, 60_000);
  });
});

describe('Nova (fake driver) at each cloud', () => {
  it.each(CLOUDS)('%s: the compute service is up and its host is mapped', async (cloud) => {
    const c = openstackLab('nova').clouds[cloud]!;
    const admin = await session(cloud, true);
    const services = await call(admin.token, 'GET', `${c.endpoints['compute']}/os-services?binary=nova-compute`);
    expect(services.status).toBe(200);
    expect(services.body['services']).toEqual([
      expect.objectContaining({ host: c.nova!.compute_host, state: 'up', status: 'enabled' }),
    ]);
    // the read-only Neutron stub lets Nova answer server listings (Zed asks Neutron even without ports)
    const s = await session(cloud);
    expect((await call(s.token, 'GET', `${c.endpoints['compute']}/servers/detail`)).status).toBe(200);
    expect((await call(s.token, 'GET', `${c.endpoints['compute']}/flavors`)).body['flavors']).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: '1', name: 'm1.tiny' })]),
    );
  });

  it('the home Nova is configured for the proxy (or directly) as lab.json says', () => {
    const os = openstackLab('nova');
    const nova = os.clouds['home']!.nova!;
    const proxy = (labInfo() as unknown as { proxy: string }).proxy;
    if (os.nova_via_proxy) {
      expect(nova.glance_api_servers).toBe(`${proxy}/image`);
      expect(nova.cinder_endpoint_template).toBe(`${proxy}/volume/v3/%(project_id)s`);
    } else {
      expect(nova.glance_api_servers).toBe(os.clouds['home']!.endpoints['image']);
    }
    // the provider's Nova always uses its own Glance and Cinder
    expect(os.clouds['bu-keystone']!.nova!.glance_api_servers).toBe(os.clouds['bu-keystone']!.endpoints['image']);
  });

  // With OCX_LAB_NOVA_VIA_PROXY=1 (the default) the home Nova fetches images and attaches volumes through the
  // proxy, so a boot at home tests the proxy's Glance and Cinder fronts: that belongs to the mix-and-match tests.
  const direct = (cloud: string) => {
    const os = (labInfo() as unknown as { openstack?: OpenStackLab }).openstack;
    return cloud !== 'home' || !os?.nova_via_proxy;
  };
  const lifecycle = CLOUDS.filter((cloud) => !WANTED.has('nova') || direct(cloud));
  it.each(lifecycle)(
    '%s: a server boots ACTIVE without network, a volume attaches (in-use) and detaches (available)',
    async (cloud) => {
      const os = openstackLab('nova');
      openstackLab('cinder');
      const c = os.clouds[cloud]!;
      const s = await session(cloud);
      const compute = c.endpoints['compute']!;
      const created = await call(
        s.token,
        'POST',
        `${compute}/servers`,
        { server: { name: `${RUN}-${cloud}`, imageRef: c.image!.id, flavorRef: '1', networks: 'none' } },
        COMPUTE_VERSION,
      );
      expect(created.status).toBe(202);
      const serverId = (created.body['server'] as { id: string }).id;
      cleanups.push(() => call(s.token, 'DELETE', `${compute}/servers/${serverId}`));
      const server = () => call(s.token, 'GET', `${compute}/servers/${serverId}`, undefined, COMPUTE_VERSION);
      await waitStatus(server, 'server', 'active', 120_000);

      const volumes = `${c.endpoints['volume']}/${s.projectId}/volumes`;
      const vol = await call(s.token, 'POST', volumes, { volume: { size: 1, name: `${RUN}-${cloud}-attach` } });
      const volumeId = (vol.body['volume'] as { id: string }).id;
      cleanups.push(() => call(s.token, 'DELETE', `${volumes}/${volumeId}`));
      const volume = () => call(s.token, 'GET', `${volumes}/${volumeId}`);
      await waitStatus(volume, 'volume', 'available', 60_000);

      const attachments = `${compute}/servers/${serverId}/os-volume_attachments`;
      const attach = await call(s.token, 'POST', attachments, { volumeAttachment: { volumeId } }, COMPUTE_VERSION);
      expect(attach.status).toBe(200);
      await waitStatus(volume, 'volume', 'in-use', 60_000);
      const listed = await call(s.token, 'GET', attachments, undefined, COMPUTE_VERSION);
      expect((listed.body['volumeAttachments'] as Array<{ volumeId: string }>).map((a) => a.volumeId)).toEqual([
        volumeId,
      ]);

      // detach needs Nova's service token (send_service_user_token) since CVE-2023-2088
      const detach = await call(s.token, 'DELETE', `${attachments}/${volumeId}`, undefined, COMPUTE_VERSION);
      expect(detach.status).toBe(202);
      await waitStatus(volume, 'volume', 'available', 60_000);

      expect((await call(s.token, 'DELETE', `${compute}/servers/${serverId}`)).status).toBe(204);
      await eventually(async () => (await server()).status === 404, 60_000);
    },
  );
});

describe('service users', () => {
  const users = () => {
    const os = (labInfo() as unknown as { openstack?: OpenStackLab }).openstack;
    return CLOUDS.flatMap((cloud) => (os?.clouds[cloud]?.service_users ?? []).map((u) => ({ cloud, ...u })));
  };
  it('each service user logs in to its own cloud with roles admin and service in project service', async () => {
    const os = (labInfo() as unknown as { openstack?: OpenStackLab }).openstack;
    const wanted = ['glance', 'cinder', 'nova'].filter((s) => WANTED.has(s));
    if (wanted.length) expect(os?.services.sort()).toEqual(expect.arrayContaining(wanted));
    for (const u of users()) {
      const { body } = await keystoneLogin(os!.clouds[u.cloud]!.keystone, u.name, u.password, u.project);
      const roles = (body['token'] as { roles: Array<{ name: string }> }).roles.map((r) => r.name);
      expect({ user: `${u.name}@${u.cloud}`, roles: roles.filter((r) => u.roles.includes(r)).sort() }).toEqual({
        user: `${u.name}@${u.cloud}`,
        roles: [...u.roles].sort(),
      });
    }
  });
});
