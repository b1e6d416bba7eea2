// Cinder v3 wire shapes (block-storage api-ref: "API versions", "Volumes", "Volume snapshots", "Attachments",
// "Volume types"). Timestamps as Cinder prints them: 2018-11-28T06:21:12.000000 (no zone).
export const CINDER_MAX_VERSION = '3.70'; // Zed
export const CINDER_MIN_VERSION = '3.0';

export interface VolumeAttachmentRec {
  id: string;
  volumeId: string;
  serverId: string;
  device: string | null;
  status: 'reserved' | 'attaching' | 'attached';
  attachedAt: number | null;
  connector: Record<string, unknown> | null;
}
export interface VolumeRec {
  id: string;
  projectId: string;
  userId: string;
  name: string | null;
  description: string | null;
  size: number;
  status: string;
  zone: string;
  volumeType: string;
  bootable: boolean;
  createdAt: number;
  updatedAt: number;
  metadata: Record<string, string>;
  attachments: VolumeAttachmentRec[];
}
export interface SnapshotRec {
  id: string;
  projectId: string;
  volumeId: string;
  name: string | null;
  description: string | null;
  size: number;
  status: string;
  createdAt: number;
  updatedAt: number;
  metadata: Record<string, string>;
}

export function cinderTime(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000');
}

function v3(root: string): Record<string, unknown> {
  return {
    id: 'v3.0',
    status: 'CURRENT',
    version: CINDER_MAX_VERSION,
    min_version: CINDER_MIN_VERSION,
    updated: '2018-07-17T00:00:00Z',
    links: [
      { href: 'https://docs.openstack.org/', type: 'text/html', rel: 'describedby' },
      { href: `${root}/v3/`, rel: 'self' },
    ],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.volume+json;version=3' }],
  };
}

/** Both `GET /` (300 Multiple Choices) and `GET /v3/` (200) answer a `versions` list. */
export function versionsDocument(root: string): Record<string, unknown> {
  return { versions: [v3(root)] };
}

export function links(root: string, projectId: string, collection: string, id: string): Record<string, string>[] {
  return [
    { href: `${root}/v3/${projectId}/${collection}/${id}`, rel: 'self' },
    { href: `${root}/${projectId}/${collection}/${id}`, rel: 'bookmark' },
  ];
}

export function legacyAttachment(a: VolumeAttachmentRec): Record<string, unknown> {
  return {
    server_id: a.serverId,
    attachment_id: a.id,
    attached_at: cinderTime(a.attachedAt),
    host_name: null,
    volume_id: a.volumeId,
    device: a.device,
    id: a.volumeId,
  };
}

export function briefVolume(root: string, v: VolumeRec): Record<string, unknown> {
  return { id: v.id, links: links(root, v.projectId, 'volumes', v.id), name: v.name };
}

export function detailVolume(root: string, v: VolumeRec): Record<string, unknown> {
  return {
    id: v.id,
    name: v.name,
    description: v.description,
    size: v.size,
    status: v.status,
    availability_zone: v.zone,
    created_at: cinderTime(v.createdAt),
    updated_at: cinderTime(v.updatedAt),
    volume_type: v.volumeType,
    snapshot_id: null,
    source_volid: null,
    bootable: String(v.bootable),
    encrypted: false,
    multiattach: false,
    replication_status: null,
    consistencygroup_id: null,
    metadata: v.metadata,
    attachments: v.attachments.filter((a) => a.status === 'attached').map(legacyAttachment),
    user_id: v.userId,
    'os-vol-tenant-attr:tenant_id': v.projectId,
    links: links(root, v.projectId, 'volumes', v.id),
  };
}

/** Create and update answers: Cinder's tenant-attribute extension extends only show and the listings. */
export function writtenVolume(root: string, v: VolumeRec): Record<string, unknown> {
  const answer = detailVolume(root, v);
  delete answer['os-vol-tenant-attr:tenant_id'];
  return answer;
}

export function renderSnapshot(s: SnapshotRec, detail: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: s.id,
    name: s.name,
    description: s.description,
    status: s.status,
    size: s.size,
    volume_id: s.volumeId,
    created_at: cinderTime(s.createdAt),
    updated_at: cinderTime(s.updatedAt),
    metadata: s.metadata,
  };
  if (detail) {
    body['os-extended-snapshot-attributes:progress'] = '100%';
    body['os-extended-snapshot-attributes:project_id'] = s.projectId;
  }
  return body;
}

export function renderAttachment(a: VolumeAttachmentRec): Record<string, unknown> {
  const connected = a.connector !== null;
  return {
    id: a.id,
    status: a.status,
    instance: a.serverId,
    volume_id: a.volumeId,
    attached_at: a.attachedAt === null ? '' : cinderTime(a.attachedAt),
    detached_at: '',
    attach_mode: connected ? 'rw' : null,
    connection_info: connected ? { driver_volume_type: 'iscsi', data: { target_lun: 1, volume_id: a.volumeId } } : {},
  };
}

export const VOLUME_TYPES = [
  {
    id: '6685584b-1eac-4da6-b5c3-555430cf68ff',
    name: 'lvmdriver-1',
    description: null,
    is_public: true,
    'os-volume-type-access:is_public': true,
    // As a non-admin caller sees the type: no qos_specs_id, only user-visible extra specs (none here).
    extra_specs: {},
  },
];
