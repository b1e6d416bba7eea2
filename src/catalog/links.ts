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
    if (value === m.from || value.startsWith(m.from + '/') || value.startsWith(m.from + '?')) {
      return m.to + value.slice(m.from.length);
    }
  }
  return value;
}

export function rewriteUrlsDeep<T>(doc: T, mappings: readonly UrlMapping[]): T {
  return walk(doc, mappings) as T;
}

function walk(value: unknown, mappings: readonly UrlMapping[]): unknown {
  if (typeof value === 'string') return /^https?:\/\//.test(value) ? rewriteUrl(value, mappings) : value;
  if (Array.isArray(value)) return value.map((v) => walk(v, mappings));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = walk(v, mappings);
    return out;
  }
  return value;
}
