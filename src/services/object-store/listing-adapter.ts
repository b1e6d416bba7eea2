import { OcxError, PreconditionFailed } from '../../errors/errors';
import { bulkFormat } from './bulk-delete-format';
import type { ListingRow, ListingWindow, ProviderPage } from './listing-fetch';

/**
 * The seam between the object-store front and the pure listing functions (query parsing, k-way merge in UTF-8
 * byte order, json/xml/plain rendering as Swift 2.30 writes them). Kept to three calls so the implementation
 * behind them can move (formats.ts, listing-query.ts, fanout/merge/) without touching the callers.
 */
export type ListingFormat = 'json' | 'xml' | 'plain';

export interface ListingRequest {
  window: ListingWindow;
  format: ListingFormat;
  /** `text/plain`, `application/json`, `application/xml` or `text/xml`, as negotiated. */
  contentType: string;
}

export interface RenderedListing {
  status: number;
  contentType: string;
  body: string;
}

/** Swift's constraints.ACCOUNT_LISTING_LIMIT / CONTAINER_LISTING_LIMIT. */
export const LISTING_LIMIT = 10_000;

const FORMAT_TYPES: Record<string, string> = { plain: 'text/plain', json: 'application/json', xml: 'application/xml' };

/** swift/common/middleware/listing_formats.py get_listing_content_type + the servers' limit check. */
export function parseListingRequest(query: string, accept: string | undefined): ListingRequest {
  const params = new URLSearchParams(query);
  const format = params.get('format');
  const negotiated = format ? (FORMAT_TYPES[format.toLowerCase()] ?? 'text/plain') : bulkFormat(accept);
  if (!negotiated) throw new OcxError(406, 'badRequest', 'The request is not acceptable.');
  const given = params.get('limit');
  let limit = LISTING_LIMIT;
  if (given && /^\d+$/.test(given)) {
    limit = Number(given);
    if (limit > LISTING_LIMIT) throw new PreconditionFailed(`Maximum limit is ${LISTING_LIMIT}`);
  }
  const window: ListingWindow = {
    marker: params.get('marker') || undefined,
    endMarker: params.get('end_marker') || undefined,
    prefix: params.get('prefix') || undefined,
    delimiter: params.get('delimiter') || undefined,
    reverse: /^(true|1|yes|on|t|y)$/i.test(params.get('reverse') ?? ''),
    limit,
  };
  const kind: ListingFormat = negotiated === 'application/json' ? 'json' : negotiated.endsWith('/xml') ? 'xml' : 'plain';
  return { window, format: kind, contentType: negotiated };
}

function rowKey(row: ListingRow): string {
  const v = row['name'] ?? row['subdir'];
  return typeof v === 'string' ? v : '';
}

/** Swift orders names by their UTF-8 bytes (JavaScript's UTF-16 order differs for astral characters). */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * k-way merge of per-provider pages (priority order) into the first `limit` rows of the union. Equal names
 * are one row: for containers the counters are summed and the newest last_modified kept; for objects (and
 * subdirs) the first page's row wins. Pure: input rows are not modified.
 */
export function mergePages(pages: readonly ProviderPage[], window: ListingWindow, kind: 'account' | 'container'): ListingRow[] {
  const dir = window.reverse ? -1 : 1;
  const cursors = pages.map(() => 0);
  const out: ListingRow[] = [];
  while (out.length < window.limit) {
    let best: { key: string; rows: ListingRow[] } | undefined;
    pages.forEach((p, i) => {
      const row = p.rows[cursors[i] as number];
      if (!row) return;
      const key = rowKey(row);
      const cmp = best ? dir * compareNames(key, best.key) : -1;
      if (cmp < 0) best = { key, rows: [row] };
      else if (cmp === 0) best?.rows.push(row);
    });
    if (!best) break;
    const chosen = best;
    pages.forEach((p, i) => {
      const row = p.rows[cursors[i] as number];
      if (row && rowKey(row) === chosen.key) cursors[i] = (cursors[i] as number) + 1;
    });
    out.push(kind === 'account' ? combineContainers(chosen.rows) : { ...(chosen.rows[0] as ListingRow) });
  }
  return out;
}

function combineContainers(rows: readonly ListingRow[]): ListingRow {
  const [first, ...rest] = rows;
  const out: ListingRow = { ...(first as ListingRow) };
  if ('subdir' in out) return out;
  for (const r of rest) {
    for (const k of ['count', 'bytes']) {
      if (typeof out[k] === 'number' && typeof r[k] === 'number') out[k] = (out[k] as number) + (r[k] as number);
    }
    const lm = r['last_modified'];
    if (typeof lm === 'string' && typeof out['last_modified'] === 'string' && lm > out['last_modified']) out['last_modified'] = lm;
  }
  return out;
}

/** Rendering as swift/common/middleware/listing_formats.py does; an empty body is a 204. */
export function renderRows(
  rows: readonly ListingRow[],
  format: ListingFormat,
  scope: { kind: 'account' | 'container'; name: string },
): RenderedListing {
  const type = format === 'json' ? 'application/json' : format === 'xml' ? 'application/xml' : 'text/plain';
  let body: string;
  if (format === 'json') body = `[${rows.map(pyJsonObject).join(', ')}]`;
  else if (format === 'plain') body = rows.map((r) => `${rowKey(r)}\n`).join('');
  else body = scope.kind === 'account' ? accountXml(rows, scope.name) : containerXml(rows, scope.name);
  return { status: body ? 200 : 204, contentType: `${type}; charset=utf-8`, body };
}

function pyJsonValue(v: unknown): string {
  return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function pyJsonObject(row: ListingRow): string {
  return `{${Object.entries(row)
    .map(([k, v]) => `${pyJsonValue(k)}: ${pyJsonValue(v)}`)
    .join(', ')}}`;
}

const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';

function text(s: unknown): string {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;').replace(/\r/g, '&#13;').replace(/\n/g, '&#10;').replace(/\t/g, '&#09;');
}

function fields(row: ListingRow, names: readonly string[]): string {
  return names.map((f) => `<${f}>${text(row[f])}</${f}>`).join('');
}

function accountXml(rows: readonly ListingRow[], name: string): string {
  const items = rows.map((r) =>
    'subdir' in r
      ? `<subdir name="${attr(String(r['subdir']))}" />\n`
      : `<container>${fields(r, ['name', 'count', 'bytes', 'last_modified'])}</container>\n`,
  );
  return `${XML_DECL}<account name="${attr(name)}">\n${items.join('')}</account>`;
}

function containerXml(rows: readonly ListingRow[], name: string): string {
  if (rows.length === 0) return `${XML_DECL}<container name="${attr(name)}" />`;
  const items = rows.map((r) =>
    'subdir' in r
      ? `<subdir name="${attr(String(r['subdir']))}"><name>${text(r['subdir'])}</name></subdir>`
      : `<object>${fields(r, ['name', 'hash', 'bytes', 'content_type', 'last_modified'])}</object>`,
  );
  return `${XML_DECL}<container name="${attr(name)}">${items.join('')}</container>`;
}
