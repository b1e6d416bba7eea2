/**
 * Rewriting provider URLs to proxy URLs inside JSON documents (version documents, links, next hrefs), so no
 * provider URL leaks to a client (docs/contract.md). Pure: returns a new value.
 */
export interface UrlMapping {
  /** Provider base URL, without trailing slash, e.g. http://10.0.0.5:5000 */
  from: string;
  /** Proxy base URL for the same thing, e.g. http://proxy:8080/identity */
  to: string;
}

export function rewriteUrl(value: string, mappings: readonly UrlMapping[]): string {
  for (const m of mappings) {
    // `from` itself, or `from` followed by `/` or `?` (tested without building `from + '/'` for every string).
    if (value.startsWith(m.from)) {
      const next = value.length === m.from.length ? '' : value[m.from.length];
      if (next === '' || next === '/' || next === '?') return m.to + value.slice(m.from.length);
    }
  }
  return value;
}

export function rewriteUrlsDeep<T>(doc: T, mappings: readonly UrlMapping[]): T {
  return walk(doc, mappings) as T;
}

function walk(value: unknown, mappings: readonly UrlMapping[]): unknown {
  if (typeof value === 'string') {
    return value.startsWith('http://') || value.startsWith('https://') ? rewriteUrl(value, mappings) : value;
  }
  if (Array.isArray(value)) return value.map((v) => walk(v, mappings));
  if (value !== null && typeof value === 'object') {
    const from = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(from)) out[k] = walk(from[k], mappings);
    return out;
  }
  return value;
}

/**
 * rewriteUrlsDeep on a JSON text, answering a text: every string *value* (never a key) that rewriteUrl changes is
 * replaced by its rewritten form, and everything else stays as the provider wrote it (spacing, escapes, number
 * forms). `text` must already have been accepted by JSON.parse (the caller's check that a provider's answer is
 * JSON at all); over such a text, a scan of its strings finds exactly the strings JSON.parse sees. A string with
 * escapes is decoded before it is compared (`http:\/\/…` is a URL too). This saves re-serialising the whole
 * document and building a copy of it for the Keystone passthrough, where it ran for every answer
 * (docs/performance.md).
 */
export function rewriteUrlsInJsonText(text: string, mappings: readonly UrlMapping[]): string {
  if (mappings.length === 0) return text;
  let out = '';
  let copied = 0;
  // The next backslash at or after the scan's position (-1: none left), searched again only once passed, so the
  // scan stays linear in the text's length.
  let backslash = text.indexOf('\\');
  let at = text.indexOf('"');
  while (at >= 0) {
    // `at` opens a string: find the quote that closes it (a backslash escapes the next character).
    let end = at + 1;
    let escaped = false;
    for (;;) {
      if (backslash >= 0 && backslash < end) backslash = text.indexOf('\\', end);
      const quote = text.indexOf('"', end);
      if (quote < 0) return text; // unreachable for a text JSON.parse accepted
      if (backslash >= 0 && backslash < quote) {
        escaped = true;
        end = backslash + 2;
        continue;
      }
      end = quote;
      break;
    }
    const next = end + 1;
    if (!isKey(text, next)) {
      const value = escaped ? (JSON.parse(text.slice(at, next)) as string) : text.slice(at + 1, end);
      if (value.startsWith('http://') || value.startsWith('https://')) {
        const rewritten = rewriteUrl(value, mappings);
        if (rewritten !== value) {
          out += text.slice(copied, at) + JSON.stringify(rewritten);
          copied = next;
        }
      }
    }
    at = text.indexOf('"', next);
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Whether the string that ended just before `from` is an object's key: the next non-space character is `:`. */
function isKey(text: string, from: number): boolean {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // JSON's whitespace: space, tab, line feed, carriage return.
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    return c === 0x3a;
  }
  return false;
}
