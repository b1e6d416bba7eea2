// Sorting and marker/limit paging as Nova and Cinder do it (process_sort_params: the client's sort keys, then
// created_at and id as tie-breakers in the first direction, default desc; a page that is full gets a next link)
// and as Glance does it (the same, default created_at desc then id). Independent of the proxy's merge code so it
// can serve as an oracle for it.
export type Dir = 'asc' | 'desc';
export interface SortKey {
  key: string;
  dir: Dir;
}
export type SortResult = { ok: true; keys: SortKey[] } | { ok: false; message: string };

/** Builds the full sort spec: client keys/dirs (dirs padded with the first dir or desc) + created_at, id. */
export function sortSpec(keys: string[], dirs: string[], allowed: readonly string[]): SortResult {
  if (dirs.length > keys.length && keys.length > 0) {
    return { ok: false, message: 'Sort direction size exceeds sort key size' };
  }
  for (const d of dirs)
    if (d !== 'asc' && d !== 'desc') return { ok: false, message: `Unknown sort direction, must be 'desc' or 'asc'` };
  for (const k of keys) if (!allowed.includes(k)) return { ok: false, message: `Invalid sort key: ${k}` };
  const defaultDir = (dirs[0] as Dir | undefined) ?? 'desc';
  const spec: SortKey[] = keys.map((key, i) => ({ key, dir: (dirs[i] as Dir | undefined) ?? defaultDir }));
  for (const tie of ['created_at', 'id']) if (!keys.includes(tie)) spec.push({ key: tie, dir: defaultDir });
  return { ok: true, keys: spec };
}

/** Parses Cinder/Glance `sort=key1:dir1,key2` into keys and dirs. */
export function parseSortParam(sort: string): { keys: string[]; dirs: string[] } {
  const keys: string[] = [];
  const dirs: string[] = [];
  for (const part of sort.split(',')) {
    const [key, dir] = part.trim().split(':');
    if (!key) continue;
    keys.push(key);
    dirs.push(dir ?? 'desc');
  }
  return { keys, dirs };
}

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

export function sortBy<T>(items: readonly T[], spec: SortKey[], field: (item: T, key: string) => unknown): T[] {
  return [...items].sort((x, y) => {
    for (const { key, dir } of spec) {
      const c = compareValues(field(x, key), field(y, key));
      if (c !== 0) return dir === 'asc' ? c : -c;
    }
    return 0;
  });
}

export type LimitResult = { ok: true; limit: number; explicit: boolean } | { ok: false; message: string };

export function parseLimit(raw: string | undefined, max: number): LimitResult {
  if (raw === undefined) return { ok: true, limit: max, explicit: false };
  if (!/^\d+$/.test(raw)) return { ok: false, message: 'limit param must be an integer' };
  return { ok: true, limit: Math.min(Number(raw), max), explicit: true };
}

export type PageResult<T> = { ok: true; items: T[]; full: boolean } | { ok: false; markerNotFound: true };

/** Items after `marker` (by id), at most `limit`; `full` tells whether a next link is due. */
export function pageAfter<T extends { id: string }>(
  sorted: T[],
  marker: string | undefined,
  limit: number,
): PageResult<T> {
  let start = 0;
  if (marker !== undefined) {
    const i = sorted.findIndex((s) => s.id === marker);
    if (i < 0) return { ok: false, markerNotFound: true };
    start = i + 1;
  }
  const items = sorted.slice(start, start + limit);
  return { ok: true, items, full: limit > 0 && items.length === limit };
}

/** `?a=1&marker=x` with the original query (repeated keys kept) and marker replaced. */
export function nextQuery(query: Record<string, unknown>, marker: string): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (k === 'marker') continue;
    for (const one of Array.isArray(v) ? v : [v]) if (typeof one === 'string') params.append(k, one);
  }
  params.append('marker', marker);
  return params.toString();
}
