/**
 * The next-page link of a merged listing, pointing at the proxy: the client's query kept in order, every
 * `marker` replaced by one `marker=<last id>` at the end, as Nova's ViewBuilder._get_next_link does
 * (`params = request.params.copy(); params["marker"] = identifier; urlencode(params)`), encoded like Python's
 * urlencode (quote_plus: spaces as '+', only letters, digits and `_.-~` left as they are).
 */
export function buildNextHref(
  publicBase: string,
  path: string,
  query: ReadonlyArray<readonly [string, string]>,
  lastId: string,
): string {
  const pairs = [...query.filter(([name]) => name !== 'marker'), ['marker', lastId] as const];
  const encoded = pairs.map(([name, value]) => `${quotePlus(name)}=${quotePlus(value)}`).join('&');
  return `${publicBase.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}?${encoded}`;
}

function quotePlus(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}
