import { BadRequest } from '../../errors/errors';
import type { ListingFamily } from './listing-spec';
import { compareSortValues } from './sort-values';

/**
 * The order of a merged listing: the client's `sort` / `sort_key` / `sort_dir` as each service reads them, then
 * the services' own tie-breakers `created_at`, `id` in the first direction (Nova `process_sort_params`, Cinder
 * `_process_sort_params`, Glance `image_get_all`), so the proxy merges in exactly the order every provider pages
 * in. Pure.
 */
export type SortDir = 'asc' | 'desc';
export interface SortKey {
  key: string;
  dir: SortDir;
}

export interface ListingOrder {
  keys: SortKey[];
  compare(a: Record<string, unknown>, b: Record<string, unknown>): number;
}

/** Sort keys whose body field has another name (Nova's detail view, Cinder's display_* aliases). */
const FIELDS: Record<ListingFamily, Record<string, string>> = {
  nova: {
    created_at: 'created',
    updated_at: 'updated',
    display_name: 'name',
    uuid: 'id',
    display_description: 'description',
    vm_state: 'OS-EXT-STS:vm_state',
    task_state: 'OS-EXT-STS:task_state',
    power_state: 'OS-EXT-STS:power_state',
    availability_zone: 'OS-EXT-AZ:availability_zone',
    hostname: 'OS-EXT-SRV-ATTR:hostname',
    host: 'OS-EXT-SRV-ATTR:host',
    node: 'OS-EXT-SRV-ATTR:hypervisor_hostname',
    launched_at: 'OS-SRV-USG:launched_at',
    terminated_at: 'OS-SRV-USG:terminated_at',
    project_id: 'tenant_id',
    access_ip_v4: 'accessIPv4',
    access_ip_v6: 'accessIPv6',
    image_ref: 'image',
  },
  cinder: { display_name: 'name', display_description: 'description', project_id: 'os-vol-tenant-attr:tenant_id' },
  glance: {},
};

const TIME_KEYS = new Set(['created_at', 'updated_at', 'launched_at', 'terminated_at', 'deleted_at']);

export function parseListingOrder(family: ListingFamily, params: URLSearchParams): ListingOrder {
  const { keys, dirs } = clientKeys(family, params);
  if (family !== 'glance' && dirs.length > keys.length && keys.length > 0) {
    throw new BadRequest('Sort direction size exceeds sort key size');
  }
  for (const d of dirs) {
    if (d !== 'asc' && d !== 'desc') throw new BadRequest(`Unknown sort direction, must be 'desc' or 'asc'`);
  }
  const first = (dirs[0] as SortDir | undefined) ?? 'desc';
  const spec: SortKey[] = keys.map((key, i) => ({ key, dir: (dirs[i] as SortDir | undefined) ?? first }));
  for (const tie of ['created_at', 'id']) if (!keys.includes(tie)) spec.push({ key: tie, dir: first });
  const fields = FIELDS[family];
  const compare = (a: Record<string, unknown>, b: Record<string, unknown>): number => {
    for (const { key, dir } of spec) {
      const field = fields[key] ?? key;
      const c = compareSortValues(sortValue(a[field], key), sortValue(b[field], key), true);
      if (c !== 0) return dir === 'asc' ? c : -c;
    }
    return 0;
  };
  return { keys: spec, compare };
}

function clientKeys(family: ListingFamily, params: URLSearchParams): { keys: string[]; dirs: string[] } {
  const sort = params.get('sort');
  if (family !== 'nova' && sort !== null) {
    const keys: string[] = [];
    const dirs: string[] = [];
    for (const part of sort.split(',')) {
      const [key, dir] = part.trim().split(':');
      if (!key) continue;
      keys.push(key.trim());
      dirs.push((dir ?? 'desc').trim());
    }
    return { keys, dirs };
  }
  const keys = params
    .getAll('sort_key')
    .flatMap((k) => k.split(','))
    .map((k) => k.trim())
    .filter(Boolean);
  const dirs = params
    .getAll('sort_dir')
    .flatMap((d) => d.split(','))
    .map((d) => d.trim())
    .filter(Boolean);
  return { keys, dirs };
}

/** Timestamps compared as instants (providers format them differently: `Z`, microseconds, no zone). */
function sortValue(v: unknown, key: string): unknown {
  if (typeof v === 'string' && TIME_KEYS.has(key)) {
    const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
    return Number.isNaN(ms) ? v : ms;
  }
  // Nova's image sort key: the detail view nests it.
  if (v !== null && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string')
    return (v as { id: string }).id;
  return v;
}
