// Nova v2.1 wire shapes (compute api-ref: "API versions", "Servers", "Flavors", "Limits"). Server bodies follow
// the request's microversion (compute-microversion.ts) for the fields a non-admin caller sees; the rest are 2.1.
import type { ComputeVersion } from './compute-microversion';
import { isoSeconds } from './sim-http';

export const NOVA_MAX_VERSION = '2.93'; // Zed

export interface ServerRec {
  id: string;
  name: string;
  projectId: string;
  userId: string;
  imageId: string;
  flavorId: string;
  zone: string;
  status: string;
  createdAt: number;
  updatedAt: number;
  metadata: Record<string, string>;
  volumes: ServerVolume[];
  /** Set when the server went to ERROR (Nova's instance fault). */
  fault?: { code: number; message: string; created: number };
  /** Booted with `"networks": "none"`: no ports, so Nova shows no security groups. */
  noNetworks?: boolean;
}

export interface ServerVolume {
  /** The volume id. */
  id: string;
  device: string;
  /** Cinder attachment id when the volume was attached through Cinder's attachments API. */
  attachmentId?: string;
}

/** Nova's vm_state / task_state for the statuses the fake uses. */
const VM_STATES: Record<string, [string, string | null]> = {
  ACTIVE: ['active', null],
  BUILD: ['building', 'spawning'],
  ERROR: ['error', null],
};

export interface Flavor {
  id: string;
  name: string;
  ram: number;
  vcpus: number;
  disk: number;
}

/** Devstack's default flavors. */
export const FLAVORS: Flavor[] = [
  { id: '1', name: 'm1.tiny', ram: 512, vcpus: 1, disk: 1 },
  { id: '2', name: 'm1.small', ram: 2048, vcpus: 1, disk: 20 },
  { id: '3', name: 'm1.medium', ram: 4096, vcpus: 2, disk: 40 },
  { id: '42', name: 'm1.nano', ram: 128, vcpus: 1, disk: 1 },
  { id: '84', name: 'm1.micro', ram: 192, vcpus: 1, disk: 1 },
];

/** `root` is the service root (…/compute); self links use /v2.1, bookmarks the unversioned root. */
export function links(root: string, collection: string, id: string): { rel: string; href: string }[] {
  return [
    { rel: 'self', href: `${root}/v2.1/${collection}/${id}` },
    { rel: 'bookmark', href: `${root}/${collection}/${id}` },
  ];
}

export function v21Version(root: string): Record<string, unknown> {
  return {
    id: 'v2.1',
    status: 'CURRENT',
    version: NOVA_MAX_VERSION,
    min_version: '2.1',
    updated: '2013-07-23T11:33:21Z',
    links: [{ rel: 'self', href: `${root}/v2.1/` }],
  };
}

export function versionsDocument(root: string): Record<string, unknown> {
  const v20 = {
    id: 'v2.0',
    status: 'SUPPORTED',
    version: '',
    min_version: '',
    updated: '2011-01-21T11:33:21Z',
    links: [{ rel: 'self', href: `${root}/v2/` }],
  };
  return { versions: [v20, v21Version(root)] };
}

export function versionDocument(root: string): Record<string, unknown> {
  const v = v21Version(root);
  return {
    version: {
      ...v,
      links: [...(v.links as unknown[]), { rel: 'describedby', type: 'text/html', href: 'http://docs.openstack.org/' }],
      'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' }],
    },
  };
}

export function briefServer(root: string, s: ServerRec): Record<string, unknown> {
  return { id: s.id, links: links(root, 'servers', s.id), name: s.name };
}

export function detailServer(root: string, s: ServerRec, version: ComputeVersion = [2, 1]): Record<string, unknown> {
  const active = s.status === 'ACTIVE';
  const [vmState, taskState] = VM_STATES[s.status] ?? [s.status.toLowerCase(), null];
  const fault = s.fault ? { fault: { ...s.fault, created: isoSeconds(s.fault.created) } } : {};
  return {
    id: s.id,
    name: s.name,
    status: s.status,
    tenant_id: s.projectId,
    user_id: s.userId,
    metadata: s.metadata,
    hostId: active ? 'c9e5a6b4b8e3a7e2f0b1d2c3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9' : '',
    image: s.imageId ? { id: s.imageId, links: [{ rel: 'bookmark', href: `${root}/images/${s.imageId}` }] } : '',
    flavor: serverFlavor(root, s.flavorId, version),
    created: isoSeconds(s.createdAt),
    updated: isoSeconds(s.updatedAt),
    addresses: {},
    accessIPv4: '',
    accessIPv6: '',
    links: links(root, 'servers', s.id),
    'OS-DCF:diskConfig': 'MANUAL',
    progress: 0,
    'OS-EXT-AZ:availability_zone': s.zone,
    config_drive: '',
    key_name: null,
    'OS-SRV-USG:launched_at': active ? isoSeconds(s.createdAt).replace('Z', '.000000') : null,
    'OS-SRV-USG:terminated_at': null,
    ...(s.noNetworks ? {} : { security_groups: [{ name: 'default' }] }),
    'OS-EXT-STS:task_state': taskState,
    'OS-EXT-STS:vm_state': vmState,
    'OS-EXT-STS:power_state': active ? 1 : 0,
    'os-extended-volumes:volumes_attached': s.volumes.map((v) => ({ id: v.id })),
    ...fault,
    ...versionedFields(version),
  };
}

/** Server fields microversions added (nova/api/openstack/compute/views/servers.py), for a non-admin caller. */
function versionedFields(v: ComputeVersion): Record<string, unknown> {
  const minor = v[1] as number;
  const out: Record<string, unknown> = {};
  if (minor >= 9) out['locked'] = false;
  if (minor >= 19) out['description'] = null;
  if (minor >= 26) out['tags'] = [];
  if (minor >= 63) out['trusted_image_certificates'] = null;
  if (minor >= 71) out['server_groups'] = [];
  if (minor >= 73) out['locked_reason'] = null;
  return out;
}

/** 2.47 embeds the flavor the server was built with instead of linking to it. */
function serverFlavor(root: string, flavorId: string, v: ComputeVersion): Record<string, unknown> {
  const f = FLAVORS.find((x) => x.id === flavorId);
  if ((v[1] as number) < 47 || !f) {
    return { id: flavorId, links: [{ rel: 'bookmark', href: `${root}/flavors/${flavorId}` }] };
  }
  return { vcpus: f.vcpus, ram: f.ram, disk: f.disk, ephemeral: 0, swap: 0, original_name: f.name, extra_specs: {} };
}

export function renderFlavor(root: string, f: Flavor, detail: boolean): Record<string, unknown> {
  const brief = { id: f.id, links: links(root, 'flavors', f.id), name: f.name };
  if (!detail) return brief;
  return {
    ...brief,
    ram: f.ram,
    vcpus: f.vcpus,
    disk: f.disk,
    swap: '',
    'OS-FLV-EXT-DATA:ephemeral': 0,
    'OS-FLV-DISABLED:disabled': false,
    rxtx_factor: 1.0,
    'os-flavor-access:is_public': true,
  };
}

/** `quota` (os-quota-sets names) sets the totals a test wants; Nova's defaults otherwise. */
export function renderLimits(servers: ServerRec[], quota: Record<string, number> = {}): Record<string, unknown> {
  const flavors = servers.map((s) => FLAVORS.find((f) => f.id === s.flavorId));
  const sum = (pick: (f: Flavor) => number): number => flavors.reduce((n, f) => n + (f ? pick(f) : 0), 0);
  return {
    limits: {
      rate: [],
      absolute: {
        maxServerMeta: 128,
        maxPersonality: 5,
        maxPersonalitySize: 10240,
        maxImageMeta: 128,
        maxTotalKeypairs: 100,
        maxSecurityGroups: 10,
        maxSecurityGroupRules: 20,
        maxServerGroups: 10,
        maxServerGroupMembers: 10,
        maxTotalCores: quota['cores'] ?? 20,
        maxTotalFloatingIps: 10,
        maxTotalInstances: quota['instances'] ?? 10,
        maxTotalRAMSize: quota['ram'] ?? 51200,
        totalCoresUsed: sum((f) => f.vcpus),
        totalRAMUsed: sum((f) => f.ram),
        totalInstancesUsed: servers.length,
        totalFloatingIpsUsed: 0,
        totalSecurityGroupsUsed: 0,
        totalServerGroupsUsed: 0,
      },
    },
  };
}
