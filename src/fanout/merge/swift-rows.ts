/**
 * Listing rows exactly as a provider's Swift returns them with `format=json`: account rows
 * `{name, count, bytes, last_modified}` (Swift 2.35+ adds `storage_policy`), container rows
 * `{bytes, hash, name, content_type, last_modified}` (+ `symlink_path`, `slo_etag` from middlewares) and
 * `{subdir}` rows for both when a delimiter is given. Fields are kept as given, in the order given, so that
 * rendering the JSON again is byte-identical (swift/account/utils.py, swift/container/server.py).
 */

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export type SwiftListingLevel = 'account' | 'container';

export interface SwiftSubdirRow {
  readonly subdir: string;
  readonly [field: string]: JsonValue;
}

export interface SwiftNamedRow {
  readonly name: string;
  readonly [field: string]: JsonValue;
}

/** A container in an account listing; `count` and `bytes` are numbers so that same-name containers can be summed. */
export interface SwiftContainerRow extends SwiftNamedRow {
  readonly count: number;
  readonly bytes: number;
  readonly last_modified: string;
}

export type SwiftRow = SwiftNamedRow | SwiftSubdirRow;

export function isSubdirRow(row: SwiftRow): row is SwiftSubdirRow {
  return !('name' in row) && typeof (row as { subdir?: unknown }).subdir === 'string';
}

/** The string a row sorts by: its name, or for a pseudo-directory the subdir (which ends with the delimiter). */
export function swiftRowKey(row: SwiftRow): string {
  return isSubdirRow(row) ? row.subdir : row.name;
}

export function isContainerRow(row: SwiftRow): row is SwiftContainerRow {
  const r = row as { [k: string]: unknown };
  return (
    typeof r['name'] === 'string' &&
    typeof r['count'] === 'number' &&
    typeof r['bytes'] === 'number' &&
    typeof r['last_modified'] === 'string'
  );
}

/**
 * Validates a provider's parsed JSON listing body. Returns the rows (the same objects, which the caller must treat
 * as read-only) or `undefined` when the body is not a Swift listing: not an array, an entry that is not an object,
 * or an entry without a string `name` or `subdir` (account entries also need numeric count/bytes).
 */
export function parseSwiftListing(body: unknown, level: SwiftListingLevel): SwiftRow[] | undefined {
  if (!Array.isArray(body)) return undefined;
  const rows: SwiftRow[] = [];
  for (const entry of body as unknown[]) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return undefined;
    const row = entry as SwiftRow;
    const fields = entry as { [k: string]: unknown };
    if (typeof fields['name'] === 'string') {
      if (level === 'account' && !isContainerRow(row)) return undefined;
    } else if (typeof fields['subdir'] !== 'string') {
      return undefined;
    }
    rows.push(row);
  }
  return rows;
}
