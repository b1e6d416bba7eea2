// Swift account and container listings, written from the object-store api-ref and swift's container broker
// (list_objects_iter) rather than shared with the proxy, so the fake is an independent oracle:
// - names ordered by their UTF-8 bytes;
// - `marker`/`end_marker` are exclusive bounds, swapped when `reverse=true`;
// - `prefix` filters; `delimiter` rolls names up into `subdir` rows (never the marker itself);
// - `limit` counts subdirs too, default and maximum 10000 (above: 412 "Maximum limit is 10000");
// - `format=json|xml|plain` or the Accept header; an empty plain listing is 204.
import { Buffer } from 'node:buffer';

export const LISTING_LIMIT = 10000;

export interface ListingParams {
  marker?: string;
  endMarker?: string;
  prefix?: string;
  delimiter?: string;
  limit: number;
  reverse: boolean;
}

export type ListingRow<T> = { kind: 'item'; name: string; item: T } | { kind: 'subdir'; name: string };

export type ListingFormat = 'json' | 'xml' | 'plain';

export function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export type ParsedParams =
  { ok: true; params: ListingParams; format: ListingFormat } | { ok: false; status: 400 | 406 | 412; body: string };

function one(v: unknown): string | undefined {
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : undefined;
  return typeof v === 'string' ? v : undefined;
}

export function chooseFormat(format: string | undefined, accept: string | undefined): ListingFormat | undefined {
  const f = (format ?? '').toLowerCase();
  if (f === 'json') return 'json';
  if (f === 'xml') return 'xml';
  if (f === 'plain' || f === 'text') return 'plain';
  if (f !== '') return undefined;
  const a = (accept ?? '').toLowerCase();
  if (a.includes('application/json')) return 'json';
  if (a.includes('application/xml') || a.includes('text/xml')) return 'xml';
  return 'plain';
}

export function parseListingQuery(query: Record<string, unknown>, accept: string | undefined): ParsedParams {
  const rawLimit = one(query.limit);
  let limit = LISTING_LIMIT;
  if (rawLimit !== undefined && rawLimit !== '') {
    if (!/^\d+$/.test(rawLimit)) return { ok: false, status: 412, body: 'Value of limit must be a positive integer' };
    limit = Number(rawLimit);
    if (limit > LISTING_LIMIT) return { ok: false, status: 412, body: `Maximum limit is ${LISTING_LIMIT}` };
  }
  const delimiter = one(query.delimiter);
  if (delimiter !== undefined && delimiter.length > 1) return { ok: false, status: 412, body: 'Bad delimiter' };
  const format = chooseFormat(one(query.format), accept);
  if (!format) return { ok: false, status: 406, body: 'Not Acceptable' };
  const reverse = ['true', '1', 'yes', 'on', 't', 'y'].includes((one(query.reverse) ?? '').toLowerCase());
  const params: ListingParams = {
    marker: one(query.marker) || undefined,
    endMarker: one(query.end_marker) || undefined,
    prefix: one(query.prefix) || undefined,
    delimiter: delimiter || undefined,
    limit,
    reverse,
  };
  return { ok: true, params, format };
}

/** Applies the listing parameters to `entries` (any order); returns at most `limit` rows. */
export function listRows<T>(entries: Iterable<[string, T]>, p: ListingParams): ListingRow<T>[] {
  const sorted = [...entries].sort((a, b) => byteCompare(a[0], b[0]));
  if (p.reverse) sorted.reverse();
  // In a reverse listing the marker is the upper bound and end_marker the lower one.
  const after = (name: string): boolean =>
    p.marker === undefined || (p.reverse ? byteCompare(name, p.marker) < 0 : byteCompare(name, p.marker) > 0);
  const before = (name: string): boolean =>
    p.endMarker === undefined || (p.reverse ? byteCompare(name, p.endMarker) > 0 : byteCompare(name, p.endMarker) < 0);
  const prefix = p.prefix ?? '';
  const rows: ListingRow<T>[] = [];
  let lastSubdir: string | undefined;
  for (const [name, item] of sorted) {
    if (rows.length >= p.limit) break;
    if (!name.startsWith(prefix) || !after(name) || !before(name)) continue;
    if (p.delimiter !== undefined) {
      const at = name.indexOf(p.delimiter, prefix.length);
      if (at >= 0) {
        const subdir = name.slice(0, at + p.delimiter.length);
        // Names under one subdir are contiguous in byte order, so one look-behind dedupes them.
        if (subdir !== lastSubdir && subdir !== p.marker) rows.push({ kind: 'subdir', name: subdir });
        lastSubdir = subdir;
        continue;
      }
    }
    rows.push({ kind: 'item', name, item });
  }
  return rows;
}

export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Renders rows. `fields` gives each item's JSON fields in Swift's order; XML uses the same fields as elements.
 * Returns undefined for an empty plain listing (the caller answers 204).
 */
export function renderListing<T>(
  rows: ListingRow<T>[],
  format: ListingFormat,
  root: { element: 'account' | 'container'; name: string; child: 'container' | 'object' },
  fields: (name: string, item: T) => Record<string, string | number>,
): { contentType: string; body: string } | undefined {
  if (format === 'json') {
    const out = rows.map((r) => (r.kind === 'subdir' ? { subdir: r.name } : fields(r.name, r.item)));
    return { contentType: 'application/json; charset=utf-8', body: JSON.stringify(out) };
  }
  if (format === 'xml') {
    const parts = rows.map((r) => {
      if (r.kind === 'subdir') return `<subdir name="${xmlEscape(r.name)}"><name>${xmlEscape(r.name)}</name></subdir>`;
      const inner = Object.entries(fields(r.name, r.item))
        .map(([k, v]) => `<${k}>${xmlEscape(String(v))}</${k}>`)
        .join('');
      return `<${root.child}>${inner}</${root.child}>`;
    });
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<${root.element} name="${xmlEscape(root.name)}">${parts.join('')}</${root.element}>`;
    return { contentType: 'application/xml; charset=utf-8', body };
  }
  if (rows.length === 0) return undefined;
  return { contentType: 'text/plain; charset=utf-8', body: rows.map((r) => `${r.name}\n`).join('') };
}
