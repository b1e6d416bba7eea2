// Neutron's listing semantics for the simulated Neutron (neutron/api/api_common.py, neutron-lib model_query):
// attribute filters (repeated values: any of them), tags / tags-any / not-tags / not-tags-any, sort_key/sort_dir
// pairs with `id` ascending appended, limit/marker with a next link, fields. Pure.

export type Rec = Record<string, unknown>;

export type ListingAnswer = { ok: true; items: Rec[]; more: boolean } | { ok: false; status: number; message: string };

const CONTROL = new Set(['sort_key', 'sort_dir', 'limit', 'marker', 'fields', 'page_reverse']);
const TAG_FILTERS = new Set(['tags', 'tags-any', 'not-tags', 'not-tags-any']);

function matches(rec: Rec, key: string, values: string[]): boolean {
  const v = rec[key];
  const s = typeof v === 'boolean' ? String(v) : v === null || v === undefined ? '' : String(v);
  return values.some((want) => (typeof v === 'boolean' ? want.toLowerCase() === s : want === s));
}

function tagsOf(rec: Rec): string[] {
  return Array.isArray(rec['tags']) ? (rec['tags'] as string[]) : [];
}

function tagFilter(rec: Rec, key: string, values: string[]): boolean {
  const want = values.flatMap((v) => v.split(',')).filter(Boolean);
  const have = new Set(tagsOf(rec));
  if (key === 'tags') return want.every((t) => have.has(t));
  if (key === 'tags-any') return want.some((t) => have.has(t));
  if (key === 'not-tags') return !want.every((t) => have.has(t));
  return !want.some((t) => have.has(t));
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

export function listNeutron(all: readonly Rec[], query: URLSearchParams, sortable: ReadonlySet<string>): ListingAnswer {
  const keys = query.getAll('sort_key').filter(Boolean);
  const dirs = query.getAll('sort_dir').filter(Boolean);
  if (keys.length !== dirs.length) {
    return { ok: false, status: 400, message: 'The number of sort_keys and sort_dirs must be same' };
  }
  const badKeys = keys.filter((k) => !sortable.has(k));
  if (badKeys.length) {
    return {
      ok: false,
      status: 400,
      message: `[${badKeys.map((k) => `'${k}'`).join(', ')}] is invalid attribute for sort_keys`,
    };
  }
  if (dirs.some((d) => d !== 'asc' && d !== 'desc')) {
    return { ok: false, status: 400, message: 'invalid value for sort_dirs' };
  }
  const filters = new Map<string, string[]>();
  for (const [k, v] of query) if (!CONTROL.has(k)) filters.set(k, [...(filters.get(k) ?? []), v]);
  let items = all.filter((rec) =>
    [...filters].every(([k, vs]) => (TAG_FILTERS.has(k) ? tagFilter(rec, k, vs) : matches(rec, k, vs))),
  );
  const order = keys.map((k, i) => ({ k, asc: dirs[i] === 'asc' }));
  if (!keys.includes('id')) order.push({ k: 'id', asc: true });
  items = [...items].sort((a, b) => {
    for (const { k, asc } of order) {
      const c = compare(a[k], b[k]);
      if (c) return asc ? c : -c;
    }
    return 0;
  });
  const limitRaw = query.get('limit');
  const limit = limitRaw === null ? 0 : Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 0) {
    return { ok: false, status: 400, message: `Limit must be an integer 0 or greater and not '${limitRaw}'` };
  }
  let more = false;
  if (limit > 0) {
    const marker = query.get('marker');
    if (marker) {
      const at = items.findIndex((r) => r['id'] === marker);
      if (at < 0) return { ok: false, status: 404, message: `${marker} could not be found.` };
      items = items.slice(at + 1);
    }
    more = items.length >= limit;
    items = items.slice(0, limit);
  }
  const fields = query.getAll('fields').filter(Boolean);
  if (fields.length)
    items = items.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => fields.includes(k))));
  return { ok: true, items, more };
}
