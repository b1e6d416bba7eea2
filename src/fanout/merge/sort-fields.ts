import type { SortService } from './sort-spec';

/**
 * Where a sort key's value shows in the resource the API returns. Sort keys are database columns; the API renames
 * some (Nova's created_at is `created`, display_name is `name`, host is `OS-EXT-SRV-ATTR:host`). A key whose value
 * the API never shows maps to `undefined`: the proxy cannot compare on it across providers and keeps each
 * provider's own order for it instead. Nova's `id` is such a key: the internal integer id, not the server UUID.
 */
export type FieldPath = readonly string[];

/** nova/api/openstack/compute/views/servers.py names for the sort keys of compute/schemas/servers.py. */
const NOVA_FIELDS: Readonly<Record<string, FieldPath>> = {
  created_at: ['created'],
  updated_at: ['updated'],
  display_name: ['name'],
  display_description: ['description'],
  uuid: ['id'],
  access_ip_v4: ['accessIPv4'],
  access_ip_v6: ['accessIPv6'],
  availability_zone: ['OS-EXT-AZ:availability_zone'],
  host: ['OS-EXT-SRV-ATTR:host'],
  hostname: ['OS-EXT-SRV-ATTR:hostname'],
  node: ['OS-EXT-SRV-ATTR:hypervisor_hostname'],
  kernel_id: ['OS-EXT-SRV-ATTR:kernel_id'],
  ramdisk_id: ['OS-EXT-SRV-ATTR:ramdisk_id'],
  launch_index: ['OS-EXT-SRV-ATTR:launch_index'],
  reservation_id: ['OS-EXT-SRV-ATTR:reservation_id'],
  root_device_name: ['OS-EXT-SRV-ATTR:root_device_name'],
  key_name: ['key_name'],
  launched_at: ['OS-SRV-USG:launched_at'],
  terminated_at: ['OS-SRV-USG:terminated_at'],
  power_state: ['OS-EXT-STS:power_state'],
  task_state: ['OS-EXT-STS:task_state'],
  vm_state: ['OS-EXT-STS:vm_state'],
  progress: ['progress'],
  project_id: ['tenant_id'],
  user_id: ['user_id'],
  locked: ['locked'],
  config_drive: ['config_drive'],
  image_ref: ['image', 'id'],
};

/** Cinder shows its columns under their own names except the display_* pair. */
const CINDER_RENAMES: Readonly<Record<string, FieldPath>> = {
  display_name: ['name'],
  display_description: ['description'],
};

export function sortField(service: SortService, key: string): FieldPath | undefined {
  if (service === 'compute') return NOVA_FIELDS[key];
  if (service === 'volume') return CINDER_RENAMES[key] ?? [key];
  return [key];
}

/** The value at a path of a plain resource object (`undefined` when absent). */
export function valueAt(item: unknown, path: FieldPath): unknown {
  let value: unknown = item;
  for (const step of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as { readonly [k: string]: unknown })[step];
  }
  return value;
}
