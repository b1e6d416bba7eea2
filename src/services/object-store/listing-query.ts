import type { SwiftListingLevel } from '../../fanout/merge/swift-rows';
import { SWIFT_LISTING_LIMIT, type SwiftWindow } from '../../fanout/merge/swift-window';

/**
 * Account and container listing requests, read as Swift 2.30.1 reads them: listing_formats.get_listing_content_type
 * first (format= and Accept), then the account server's GET (prefix, delimiter, reverse, limit, marker, end_marker)
 * or the proxy's container GET (request_helpers.validate_container_params). Every answer, including each error
 * status and body, is checked against Swift's own code in test/fixtures/swift/oracle/query.json.
 */

export type SwiftListingContentType = 'text/plain' | 'application/json' | 'application/xml' | 'text/xml';
export type SwiftListingFormat = 'json' | 'xml' | 'plain';

export interface SwiftListingQuery {
  readonly window: SwiftWindow;
  readonly format: SwiftListingFormat;
  /** The negotiated type; the response's Content-Type is this plus `; charset=utf-8`. */
  readonly contentType: SwiftListingContentType;
  /** Swift adds `Vary: Accept` to the answer when no `format` parameter was given. */
  readonly varyAccept: boolean;
}

/** A refusal exactly as Swift writes it; `contentType` is the response header value. */
export interface SwiftQueryError {
  readonly status: 400 | 406 | 412;
  readonly body: string;
  readonly contentType: string;
}

export type SwiftQueryResult =
  { readonly ok: true; readonly query: SwiftListingQuery } | { readonly ok: false; readonly error: SwiftQueryError };

/** swob's default page for 406 (RESPONSE_REASONS[406]). */
const NOT_ACCEPTABLE_BODY =
  '<html><h1>Not Acceptable</h1><p>The resource is not available in a format acceptable to your browser.</p></html>';
const SWOB_HTML = 'text/html; charset=UTF-8';
/** listing_formats.FORMAT2CONTENT_TYPE; unknown values mean plain. */
const FORMAT_TYPES: Readonly<Record<string, SwiftListingContentType>> = {
  plain: 'text/plain',
  json: 'application/json',
  xml: 'application/xml',
};
const OFFERED: readonly SwiftListingContentType[] = ['text/plain', 'application/json', 'application/xml', 'text/xml'];
/** swift/common/utils.py TRUE_VALUES, compared lower-cased by config_true_value. */
const TRUE_VALUES = new Set(['true', '1', 'yes', 'on', 't', 'y']);
/** request_helpers.validate_container_params: each value's UTF-8, then constrain_req_limit. */
const CONTAINER_PARAMS = 'marker end_marker prefix delimiter path format reverse states includes limit'.split(' ');
/** swift/account/server.py GET. */
const ACCOUNT_PARAMS = 'prefix delimiter reverse limit marker end_marker'.split(' ');

class QueryRefused extends Error {
  constructor(readonly error: SwiftQueryError) {
    super(error.body);
  }
}

/**
 * Parses a listing request. `rawQuery` is the request's query string as received (after `?`, still percent-encoded:
 * Swift checks each parameter's decoded bytes for UTF-8), `accept` the Accept header.
 */
export function parseSwiftListingQuery(
  rawQuery: string,
  accept: string | undefined,
  level: SwiftListingLevel,
): SwiftQueryResult {
  const params = parseQsl(rawQuery);
  const param = (name: string): string | undefined => getParam(params, name);
  try {
    const contentType = negotiateContentType(param('format'), accept);
    // Each service checks its parameters in its own order; the first bad one is the one reported.
    let limit = SWIFT_LISTING_LIMIT;
    for (const name of level === 'account' ? ACCOUNT_PARAMS : CONTAINER_PARAMS) {
      if (name === 'limit') limit = constrainLimit(param(name));
      else param(name);
    }
    const path = level === 'container' ? param('path') : undefined;
    const window: SwiftWindow = {
      marker: param('marker') ?? '',
      endMarker: param('end_marker') ?? '',
      prefix: param('prefix') ?? '',
      delimiter: param('delimiter') ?? '',
      ...(path === undefined ? {} : { path }),
      limit,
      reverse: TRUE_VALUES.has((param('reverse') ?? '').toLowerCase()),
    };
    const format: SwiftListingFormat =
      contentType === 'application/json' ? 'json' : contentType === 'text/plain' ? 'plain' : 'xml';
    return { ok: true, query: { window, format, contentType, varyAccept: !params.has('format') } };
  } catch (err) {
    if (err instanceof QueryRefused) return { ok: false, error: err.error };
    throw err;
  }
}

/**
 * urllib.parse.parse_qsl(qs, keep_blank_values=True, encoding='latin-1') as swob's Request.params uses it: values
 * stay byte strings (one char per byte) until getParam decodes them; a repeated name keeps its last value.
 */
function parseQsl(rawQuery: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const field of rawQuery.split('&')) {
    if (field === '') continue;
    const eq = field.indexOf('=');
    const [name, value] = eq < 0 ? [field, ''] : [field.slice(0, eq), field.slice(eq + 1)];
    params.set(unquote(name), unquote(value));
  }
  return params;
}

/** `+` is a space and `%XX` a byte; a malformed escape stays as written. Characters above U+00FF become UTF-8 bytes. */
function unquote(s: string): string {
  const spaced = s.replace(/\+/g, ' ');
  const bytes = spaced.replace(/%([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return bytes.replace(/[\u0100-\uffff]+/g, (wide) => Buffer.from(wide, 'utf8').toString('latin1'));
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** request_helpers.get_param: a non-empty value must be valid UTF-8 (400 with a text/plain body otherwise). */
function getParam(params: ReadonlyMap<string, string>, name: string): string | undefined {
  const raw = params.get(name);
  if (!raw) return raw;
  try {
    return UTF8.decode(Buffer.from(raw, 'latin1'));
  } catch {
    throw new QueryRefused({ status: 400, body: `"${name}" parameter not valid UTF-8`, contentType: 'text/plain' });
  }
}

/**
 * request_helpers.constrain_req_limit: only an all-digits value counts (`-1`, `1.5`, `+5` fall back to the
 * default); above the maximum is 412. Python's str.isdigit() also takes non-ASCII decimal digits (Arabic-Indic
 * '١٢' is 12); it takes superscripts too, on which int() then fails with a 500 there; here those are ignored.
 */
function constrainLimit(given: string | undefined): number {
  if (!given || !/^\p{Nd}+$/u.test(given)) return SWIFT_LISTING_LIMIT;
  const digits = Array.from(given, decimalDigitValue)
    .join('')
    .replace(/^0+(?=\d)/, '');
  if (digits.length > 5 || Number(digits) > SWIFT_LISTING_LIMIT) {
    throw new QueryRefused({ status: 412, body: `Maximum limit is ${SWIFT_LISTING_LIMIT}`, contentType: SWOB_HTML });
  }
  return Number(digits);
}

/** Unicode keeps every run of decimal digits (Nd) contiguous and in runs of ten, 0 to 9. */
function decimalDigitValue(ch: string): number {
  let start = ch.codePointAt(0) ?? 0;
  while (/\p{Nd}/u.test(String.fromCodePoint(start - 1))) start -= 1;
  return ((ch.codePointAt(0) ?? 0) - start) % 10;
}

/** listing_formats.get_listing_content_type: `format=` replaces the Accept header; then swob's Accept.best_match. */
function negotiateContentType(format: string | undefined, accept: string | undefined): SwiftListingContentType {
  const header = format ? (FORMAT_TYPES[format.toLowerCase()] ?? 'text/plain') : accept;
  const ranges = parseAccept(header);
  if (ranges.length === 0) return OFFERED[0] as SwiftListingContentType;
  for (const range of ranges) {
    const hit = OFFERED.find((offer) => {
      const [type, subtype] = offer.split('/');
      return (range.type === '*' || range.type === type) && (range.subtype === '*' || range.subtype === subtype);
    });
    // Swift 2.30's best_match ignores the quality value when matching (q=0 still matches, it only sorts last).
    if (hit) return hit;
  }
  throw new QueryRefused({ status: 406, body: NOT_ACCEPTABLE_BODY, contentType: SWOB_HTML });
}

interface MediaRange {
  readonly type: string;
  readonly subtype: string;
  readonly quality: number;
  readonly specific: boolean;
}

// swob.Accept's grammar (RFC 2616 section 2.2), with Python's \s and `.` spelled out for JavaScript.
const WS = '[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const TOKEN = '[^()<>@,;:"/\\[\\]?={}\\x00-\\x20\\x7f]+';
const QUOTED = '"(?:[^"\\\\]|\\\\[^\\n])*"';
const EXTENSION = `(?:${WS}*;${WS}*(?:${TOKEN})${WS}*=${WS}*(?:${TOKEN}|${QUOTED}))`;
const MEDIA_RANGE = new RegExp(`^${WS}*(${TOKEN})/(${TOKEN})(${EXTENSION}*?${WS}*)$`);
const TRIM = new RegExp(`^${WS}+|${WS}+$`, 'g');
/** Python's float(): sign, digits with single underscores between them, fraction, exponent, inf/infinity/nan. */
const PY_FLOAT =
  /^[+-]?(?:(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?|inf|infinity|nan)$/i;

/** swob.Accept._get_types: media ranges by quality, then specific before wildcard; a malformed header is 400. */
function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return [];
  const ranges = header.split(',').map((part): MediaRange => {
    const m = MEDIA_RANGE.exec(part);
    if (!m) throw invalidAccept();
    const [, type = '', subtype = '', rest = ''] = m;
    let quality = 1;
    let seenQ = false;
    for (const raw of rest.split(';')) {
      const p = raw.replace(TRIM, '');
      if (p === '') continue;
      const pieces = p.split('=');
      if (pieces.length !== 2) throw invalidAccept();
      if ((pieces[0] ?? '').replace(TRIM, '') !== 'q') continue;
      if (seenQ) throw invalidAccept();
      seenQ = true;
      quality = pyFloat((pieces[1] ?? '').replace(TRIM, ''));
    }
    return { type, subtype, quality, specific: type !== '*' && subtype !== '*' };
  });
  // Python's reverse sort is stable, as Array.prototype.sort is.
  return ranges.sort((a, b) => {
    if (Number.isNaN(a.quality) || Number.isNaN(b.quality)) return 0;
    return b.quality - a.quality || Number(b.specific) - Number(a.specific);
  });
}

function pyFloat(s: string): number {
  if (!PY_FLOAT.test(s)) throw invalidAccept();
  const lower = s.toLowerCase().replace(/_/g, '');
  if (/inf/.test(lower)) return lower.startsWith('-') ? -Infinity : Infinity;
  return lower.endsWith('nan') ? NaN : Number(lower);
}

function invalidAccept(): QueryRefused {
  return new QueryRefused({ status: 400, body: 'Invalid Accept header', contentType: SWOB_HTML });
}
