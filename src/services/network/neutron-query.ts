import { BadRequest } from '../../errors/errors';
import { compareSortValues } from '../front-engine/sort-values';

/**
 * A Neutron listing's query as Neutron reads it (neutron/api/api_common.py): `sort_key`/`sort_dir` pairs,
 * `limit`/`marker`, `fields`; everything else is an attribute filter passed on. Pure.
 *
 * Order: the client's keys, then `id` ascending unless named (neutron-lib model_query.get_collection_query
 * appends the unique key ascending). Without sort keys Neutron's order is the database's (unspecified) and
 * `id` ascending once paged: the proxy always asks each provider for that explicit order, so that it merges in
 * exactly the order every provider pages in.
 */
export type SortDir = 'asc' | 'desc';
export interface SortKey {
  key: string;
  dir: SortDir;
}

export interface NeutronQuery {
  keys: SortKey[];
  compare(a: Record<string, unknown>, b: Record<string, unknown>): number;
  /** Page size; undefined: everything (Neutron: absent or 0). */
  limit?: number;
  /** Only read when there is a limit, like Neutron. */
  marker?: string;
  /** The fields the client asked for (empty: all). */
  fields: string[];
  /** What each provider is asked, without limit/marker: filters, the full sort, fields plus what merging needs. */
  upstream: URLSearchParams;
  /** The client's query without limit/marker, for next links and cursor binding. */
  client: URLSearchParams;
}

const PAGING = new Set(['limit', 'marker', 'page_reverse']);

export function parseNeutronQuery(raw: string): NeutronQuery {
  const params = new URLSearchParams(raw.startsWith('?') ? raw.slice(1) : raw);
  const keys = values(params, 'sort_key');
  const dirs = values(params, 'sort_dir');
  if (keys.length !== dirs.length) throw new BadRequest('The number of sort_keys and sort_dirs must be same');
  const invalid = dirs.filter((d) => d !== 'asc' && d !== 'desc');
  if (invalid.length) {
    throw new BadRequest(`${pyList(invalid)} is invalid value for sort_dirs, valid value is 'asc' and 'desc'`);
  }
  const sort: SortKey[] = keys.map((key, i) => ({ key, dir: dirs[i] as SortDir }));
  if (!keys.includes('id')) sort.push({ key: 'id', dir: 'asc' });
  const limit = parseLimit(params.get('limit'));
  const pageReverse = (params.get('page_reverse') ?? 'false').toLowerCase() === 'true';
  if (pageReverse && limit !== undefined) {
    throw new BadRequest('page_reverse is not supported across providers: follow the next links instead.');
  }
  const marker = limit !== undefined ? (params.get('marker') ?? undefined) : undefined;
  const fields = values(params, 'fields');

  const client = new URLSearchParams();
  for (const [k, v] of params) if (!PAGING.has(k)) client.append(k, v);
  const upstream = new URLSearchParams();
  for (const [k, v] of params) if (!PAGING.has(k) && k !== 'sort_key' && k !== 'sort_dir') upstream.append(k, v);
  for (const s of sort) {
    upstream.append('sort_key', s.key);
    upstream.append('sort_dir', s.dir);
  }
  if (fields.length) {
    // The merge needs each item's id and sort values; they are removed again before the client sees the items.
    for (const f of ['id', ...sort.map((s) => s.key)])
      if (!upstream.getAll('fields').includes(f)) upstream.append('fields', f);
  }
  const compare = (a: Record<string, unknown>, b: Record<string, unknown>): number => {
    for (const { key, dir } of sort) {
      const c = compareSortValues(a[key], b[key], false);
      if (c !== 0) return dir === 'asc' ? c : -c;
    }
    return 0;
  };
  return { keys: sort, compare, limit, marker, fields, upstream, client };
}

/** Only the fields the client asked for (Neutron's `fields=`); the item as is without. */
export function onlyFields(item: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  if (!fields.length) return item;
  return Object.fromEntries(Object.entries(item).filter(([k]) => fields.includes(k)));
}

/**
 * neutron/api/api_common.py _get_limit_param; 0 means no paging. Any digits are a limit there (Python ints): one
 * above what a page could hold is every item, asked of providers as that bound.
 */
const MAX_LIMIT = 100_000;
function parseLimit(raw: string | null): number | undefined {
  if (raw === null) return undefined;
  if (!/^\s*\d+\s*$/.test(raw)) throw new BadRequest(`Limit must be an integer 0 or greater and not '${raw}'`);
  const n = Math.min(Number(raw), MAX_LIMIT);
  return n === 0 ? undefined : n;
}

/** api_common.list_args: every value, empty ones dropped. */
function values(params: URLSearchParams, key: string): string[] {
  return params.getAll(key).filter((v) => v !== '');
}

function pyList(items: readonly string[]): string {
  return `[${items.map((i) => `'${i}'`).join(', ')}]`;
}
