/**
 * The sort order of a Nova, Cinder or Glance listing, parsed from the client's query exactly as each service
 * parses it, with the keys each database appends (so the spec is the order the provider really uses):
 * - Nova: nova/api/openstack/common.py get_sort_params (repeatable sort_key/sort_dir; defaults created_at, desc),
 *   then nova/db process_sort_params (appends created_at and id with the first direction given).
 * - Cinder: cinder/api/common.py get_sort_params (`sort=k1:d1,k2` or one sort_key/sort_dir, never both), then the
 *   same process_sort_params.
 * - Glance: glance/api/v2/images.py _get_sorting_params (`sort=` or repeatable sort_key/sort_dir, never both; key and
 *   direction checked), then glance/db/sqlalchemy/api.py _image_get_all (one direction applies to every key;
 *   created_at and id appended).
 * A bad direction is a 400 in the service's words, never an exception: the caller renders it.
 */

export type SortService = 'compute' | 'volume' | 'image';
export type SortDir = 'asc' | 'desc';

export interface SortKey {
  readonly key: string;
  readonly dir: SortDir;
}

export interface SortSpec {
  readonly service: SortService;
  readonly keys: readonly SortKey[];
}

/** The 400 the service itself would answer; `message` is the text of its badRequest body. */
export interface SortParamError {
  readonly status: 400;
  readonly message: string;
}

export type SortSpecResult =
  { readonly ok: true; readonly spec: SortSpec } | { readonly ok: false; readonly error: SortParamError };

/** glance/api/v2/images.py RequestDeserializer._available_sort_keys. */
export const GLANCE_SORT_KEYS = [
  'name',
  'status',
  'container_format',
  'disk_format',
  'size',
  'id',
  'created_at',
  'updated_at',
];

const DEFAULT_KEY = 'created_at';
const DEFAULT_DIR = 'desc';
const DB_DEFAULT_KEYS = ['created_at', 'id'];

/** Python's str.isspace() characters, which str.strip() removes. */
const PY_SPACE = '[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const PY_EDGE_SPACE = new RegExp(`^${PY_SPACE}+|${PY_SPACE}+$`, 'g');

class SortRefused extends Error {}

/** `params` are the decoded query pairs in request order (repeated names kept). */
export function parseSortSpec(service: SortService, params: ReadonlyArray<readonly [string, string]>): SortSpecResult {
  try {
    const keys =
      service === 'compute' ? novaKeys(params) : service === 'volume' ? cinderKeys(params) : glanceKeys(params);
    return { ok: true, spec: { service, keys } };
  } catch (err) {
    if (err instanceof SortRefused) return { ok: false, error: { status: 400, message: err.message } };
    throw err;
  }
}

/** The service's default order (no sort parameters). */
export function defaultSortSpec(service: SortService): SortSpec {
  const parsed = parseSortSpec(service, []);
  if (!parsed.ok) throw new Error('the default sort cannot be refused');
  return parsed.spec;
}

function values(params: ReadonlyArray<readonly [string, string]>, name: string): string[] {
  return params.filter(([k]) => k === name).map(([, v]) => pyStrip(v));
}

function has(params: ReadonlyArray<readonly [string, string]>, name: string): boolean {
  return params.some(([k]) => k === name);
}

function novaKeys(params: ReadonlyArray<readonly [string, string]>): SortKey[] {
  const keys = values(params, 'sort_key');
  const dirs = values(params, 'sort_dir');
  return processSortParams(keys.length ? keys : [DEFAULT_KEY], dirs.length ? dirs : [DEFAULT_DIR]);
}

function cinderKeys(params: ReadonlyArray<readonly [string, string]>): SortKey[] {
  if (has(params, 'sort') && (has(params, 'sort_key') || has(params, 'sort_dir'))) {
    throw new SortRefused(
      "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.",
    );
  }
  // webob's MultiDict.pop returns the first value of a repeated name.
  const sort = params.find(([k]) => k === 'sort')?.[1];
  if (sort !== undefined) {
    const pairs = splitSortParam(sort);
    return processSortParams(
      pairs.map((p) => p.key),
      pairs.map((p) => p.dir),
    );
  }
  const key = params.find(([k]) => k === 'sort_key')?.[1] ?? DEFAULT_KEY;
  const dir = params.find(([k]) => k === 'sort_dir')?.[1] ?? DEFAULT_DIR;
  return processSortParams([pyStrip(key)], [pyStrip(dir)]);
}

/** `key1:dir1,key2` with the default direction where none is given (Cinder's and Glance's new syntax). */
function splitSortParam(sort: string): Array<{ key: string; dir: string }> {
  return pyStrip(sort)
    .split(',')
    .map((part) => {
      const colon = part.indexOf(':');
      const key = colon < 0 ? part : part.slice(0, colon);
      const dir = colon < 0 ? '' : part.slice(colon + 1);
      return { key: pyStrip(key), dir: pyStrip(dir || DEFAULT_DIR) };
    });
}

/** nova/db/main/api.py and cinder/db/sqlalchemy/api.py process_sort_params, with default_dir='asc' unused here. */
function processSortParams(keys: readonly string[], dirs: readonly string[]): SortKey[] {
  const defaultDir = dirs[0] ?? 'asc';
  for (const dir of dirs) {
    if (dir !== 'asc' && dir !== 'desc') {
      throw new SortRefused("Invalid input received: Unknown sort direction, must be 'desc' or 'asc'");
    }
  }
  if (dirs.length > keys.length)
    throw new SortRefused('Invalid input received: Sort direction size exceeds sort key size');
  const result = keys.map((key, i) => ({ key, dir: (dirs[i] ?? defaultDir) as SortDir }));
  return appendDefaults(result, defaultDir as SortDir);
}

function glanceKeys(params: ReadonlyArray<readonly [string, string]>): SortKey[] {
  let keys: string[] = [];
  let dirs: string[] = [];
  const sort = params.find(([k]) => k === 'sort')?.[1];
  if (sort !== undefined) {
    if (has(params, 'sort_key') || has(params, 'sort_dir')) {
      throw new SortRefused('Old and new sorting syntax cannot be combined');
    }
    for (const { key, dir } of splitSortParam(sort)) {
      keys.push(glanceKey(key));
      dirs.push(glanceDir(dir));
    }
  } else {
    keys = values(params, 'sort_key').map(glanceKey);
    dirs = values(params, 'sort_dir').map(glanceDir);
    if (dirs.length > 1 && dirs.length !== keys.length) {
      throw new SortRefused('Number of sort dirs does not match the number of sort keys');
    }
  }
  if (keys.length === 0) keys = [DEFAULT_KEY];
  if (dirs.length === 0) dirs = [DEFAULT_DIR];
  // _image_get_all: a single direction applies to every key and to the appended defaults.
  const defaultDir = (dirs.length === 1 ? dirs[0] : DEFAULT_DIR) as SortDir;
  const result = keys.map((key, i) => ({ key, dir: (dirs.length === 1 ? defaultDir : dirs[i]) as SortDir }));
  return appendDefaults(result, defaultDir);
}

function glanceKey(key: string): string {
  if (!GLANCE_SORT_KEYS.includes(key)) {
    throw new SortRefused(`Invalid sort key: ${key}. It must be one of the following: ${GLANCE_SORT_KEYS.join(', ')}.`);
  }
  return key;
}

function glanceDir(dir: string): string {
  if (dir !== 'asc' && dir !== 'desc') throw new SortRefused(`Invalid sort direction: ${dir}`);
  return dir;
}

function appendDefaults(keys: SortKey[], dir: SortDir): SortKey[] {
  const out = [...keys];
  for (const key of DB_DEFAULT_KEYS) if (!out.some((k) => k.key === key)) out.push({ key, dir });
  return out;
}

/** Python's str.strip(): Unicode whitespace as str.isspace() defines it. */
function pyStrip(s: string): string {
  return s.replace(PY_EDGE_SPACE, '');
}
