// Quota sets as Nova and Cinder (Zed) answer them for a project reader: `GET os-quota-sets/{project}` plain or
// with usage (`/detail` at Nova, `?usage=True` at Cinder), and Cinder's `GET limits`. Shapes checked against the
// lab's services (docs/lab-openstack.md). Limits are the services' defaults unless a test sets others.

export type QuotaLimits = Record<string, number>;

export const NOVA_QUOTA_DEFAULTS: QuotaLimits = {
  cores: 20,
  fixed_ips: -1,
  floating_ips: -1,
  injected_file_content_bytes: 10240,
  injected_file_path_bytes: 255,
  injected_files: 5,
  instances: 10,
  key_pairs: 100,
  metadata_items: 128,
  ram: 51200,
  security_group_rules: -1,
  security_groups: -1,
  server_group_members: 10,
  server_groups: 10,
};

export const CINDER_QUOTA_DEFAULTS: QuotaLimits = {
  volumes: 10,
  per_volume_gigabytes: -1,
  snapshots: 10,
  gigabytes: 1000,
  backups: 10,
  backup_gigabytes: 1000,
  volumes___DEFAULT__: -1,
  gigabytes___DEFAULT__: -1,
  snapshots___DEFAULT__: -1,
  groups: 10,
};

/** `{quota_set}`: plain limits, or `{limit, in_use, reserved}` per key with `inUse`. */
export function renderQuotaSet(
  projectId: string,
  limits: QuotaLimits,
  inUse?: Record<string, number>,
): Record<string, unknown> {
  const set: Record<string, unknown> = {};
  for (const [k, limit] of Object.entries(limits)) {
    set[k] = inUse ? { limit, in_use: inUse[k] ?? 0, reserved: 0 } : limit;
  }
  return { quota_set: { id: projectId, ...set } };
}

/** Cinder's `GET /v3/{project}/limits`. */
export function renderCinderLimits(
  limits: QuotaLimits,
  used: { volumes: number; gigabytes: number; snapshots: number },
): Record<string, unknown> {
  return {
    limits: {
      rate: [],
      absolute: {
        maxTotalVolumes: limits['volumes'],
        maxTotalSnapshots: limits['snapshots'],
        maxTotalVolumeGigabytes: limits['gigabytes'],
        maxTotalBackups: limits['backups'],
        maxTotalBackupGigabytes: limits['backup_gigabytes'],
        totalVolumesUsed: used.volumes,
        totalGigabytesUsed: used.gigabytes,
        totalSnapshotsUsed: used.snapshots,
        totalBackupsUsed: 0,
        totalBackupGigabytesUsed: 0,
      },
    },
  };
}
