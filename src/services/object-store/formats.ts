import { escapeMarkup } from '../../errors/format/markup';
import type { JsonValue, SwiftListingLevel, SwiftRow } from '../../fanout/merge/swift-rows';
import type { SwiftListingContentType } from './listing-query';

/**
 * Listing bodies written byte for byte as Swift 2.30.1's listing_formats middleware writes them
 * (swift/common/middleware/listing_formats.py ListingFilter, account_to_xml, container_to_xml, listing_to_text;
 * JSON is `json.dumps(listing).encode('ascii')`). test/fixtures/swift/oracle/formats.json holds Swift's own output
 * for awkward rows (markup characters, controls, astral names, extra fields, a missing field) and the renderer is
 * checked against it.
 */

export interface RenderedSwiftListing {
  readonly status: 200 | 204;
  /** As Swift sends it: the negotiated type plus `; charset=utf-8`. */
  readonly contentType: string;
  readonly body: Buffer;
}

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
const ACCOUNT_FIELDS = ['name', 'count', 'bytes', 'last_modified'] as const;
const OBJECT_FIELDS = ['name', 'hash', 'bytes', 'content_type', 'last_modified'] as const;

/** Thrown where Python raises KeyError: a row lacks a field the format needs. */
class MissingField extends Error {}

/**
 * Renders merged rows for the client. `listingName` is the account or container name as the client addressed it
 * (the root element's `name` attribute in XML). An empty body is a 204 (plain only: `[]` and the XML document are
 * never empty). Rows that lack a field the format needs make Swift fall back to the JSON body with the JSON type.
 */
export function renderSwiftListing(
  rows: readonly SwiftRow[],
  contentType: SwiftListingContentType,
  level: SwiftListingLevel,
  listingName: string,
): RenderedSwiftListing {
  // ListingFilter.filter_reserved: names in the reserved namespace (NUL) are never shown to clients.
  const listing = rows.filter((r) => !hasReservedName(r));
  let text: string;
  let type: string = contentType;
  try {
    if (contentType.endsWith('/xml')) {
      text = level === 'container' ? containerXml(listing, listingName) : accountXml(listing, listingName);
    } else if (contentType === 'text/plain') {
      text = listing.map((r) => `${plainName(r)}\n`).join('');
    } else {
      text = pyJsonDumps(listing);
    }
  } catch (err) {
    if (!(err instanceof MissingField)) throw err;
    text = pyJsonDumps(listing);
    type = 'application/json';
  }
  const body = Buffer.from(text, 'utf8');
  return { status: body.length === 0 ? 204 : 200, contentType: `${type}; charset=utf-8`, body };
}

function hasReservedName(row: SwiftRow): boolean {
  const r = row as { readonly [k: string]: JsonValue | undefined };
  return [r['name'], r['subdir']].some((v) => typeof v === 'string' && v.includes('\x00'));
}

function field(row: SwiftRow, name: string): JsonValue {
  const value = (row as { readonly [k: string]: JsonValue | undefined })[name];
  if (value === undefined) throw new MissingField(name);
  return value;
}

/** listing_to_text: the name, else the subdir. */
function plainName(row: SwiftRow): string {
  return pyStr('name' in row ? field(row, 'name') : field(row, 'subdir'));
}

/** account_to_xml: the root has text '\n' and every child a tail '\n'; subdirs are empty elements. */
function accountXml(rows: readonly SwiftRow[], accountName: string): string {
  const children = rows.map((row) =>
    'subdir' in row
      ? `<subdir name="${escapeAttribute(pyStr(field(row, 'subdir')))}" />\n`
      : `<container>${ACCOUNT_FIELDS.map((f) => element(f, field(row, f))).join('')}</container>\n`,
  );
  return `${XML_DECLARATION}<account name="${escapeAttribute(accountName)}">\n${children.join('')}</account>`;
}

/** container_to_xml: no whitespace at all; an empty container is a self-closed root. */
function containerXml(rows: readonly SwiftRow[], containerName: string): string {
  const open = `${XML_DECLARATION}<container name="${escapeAttribute(containerName)}"`;
  if (rows.length === 0) return `${open} />`;
  const children = rows.map((row) => {
    if (!('subdir' in row)) return `<object>${OBJECT_FIELDS.map((f) => element(f, field(row, f))).join('')}</object>`;
    const subdir = pyStr(field(row, 'subdir'));
    return `<subdir name="${escapeAttribute(subdir)}">${element('name', subdir)}</subdir>`;
  });
  return `${open}>${children.join('')}</container>`;
}

/** ElementTree writes an element whose text is empty as `<tag />`. */
function element(tag: string, value: JsonValue): string {
  const text = pyStr(value);
  return text === '' ? `<${tag} />` : `<${tag}>${escapeMarkup(text)}</${tag}>`;
}

/** xml.etree.ElementTree._escape_attrib (Python 3.9+: CR, LF and TAB as character references). */
function escapeAttribute(s: string): string {
  return escapeMarkup(s)
    .replace(/"/g, '&quot;')
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;')
    .replace(/\t/g, '&#09;');
}

/** Python's str() of a JSON value, as `six.text_type(record.pop(field))` writes it into XML. */
function pyStr(value: JsonValue): string {
  if (typeof value === 'string') return value;
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return pyNumber(value);
  return pyJsonDumps(value);
}

/**
 * Python's json.dumps with its defaults: `', '` and `': '` separators, ensure_ascii (everything outside
 * U+0020..U+007E escaped, lower-case hex, astral characters as surrogate pairs), keys in the row's own order.
 */
export function pyJsonDumps(value: JsonValue): string {
  if (typeof value === 'string') return pyJsonString(value);
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return pyNumber(value);
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(', ')}]`;
  const entries = Object.entries(value as { readonly [key: string]: JsonValue });
  return `{${entries.map(([k, v]) => `${pyJsonString(k)}: ${pyJsonDumps(v)}`).join(', ')}}`;
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

function pyJsonString(s: string): string {
  const escaped = s.replace(
    /[^ -~]|["\\]/g,
    (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `"${escaped}"`;
}

/**
 * Listing counters are Python ints (written in full, however large); JSON.parse cannot tell 5 from 5.0, so
 * integral values are written as ints and the rest as Python's float repr (scientific below 1e-4 and from 1e16).
 */
function pyNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  if (Number.isInteger(n)) return BigInt(n).toString();
  const [mantissa = '', exp = '0'] = n.toExponential().split('e');
  const e = Number(exp);
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace(/[-.]/g, '');
  if (e < -4 || e >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
  const whole = digits.slice(0, e + 1).padEnd(e + 1, '0');
  const frac = digits.slice(e + 1);
  return `${sign}${whole}.${frac === '' ? '0' : frac}`;
}
