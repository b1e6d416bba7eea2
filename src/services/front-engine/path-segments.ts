import { BadRequest } from '../../errors/errors';

/**
 * Client paths taken apart and rebuilt for a provider. Segments are decoded (a client may send `VOL@bu` or
 * `VOL%40bu`), and `.`/`..` are refused: a path must never climb out of the provider's service into another one
 * reached with the same provider token. Pure.
 */
export function splitPath(path: string): string[] {
  const out: string[] = [];
  for (const raw of path.split('/')) {
    if (raw === '') continue;
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      throw new BadRequest('Malformed request path: invalid percent-encoding.');
    }
    if (seg === '.' || seg === '..')
      throw new BadRequest('Malformed request path: "." and ".." segments are not allowed.');
    out.push(seg);
  }
  return out;
}

/** `/a/b%2Fc` from ['a', 'b/c']; `@` and `:` stay readable as providers accept them unencoded. */
export function joinPath(segments: readonly string[]): string {
  return segments.map((s) => '/' + encodeURIComponent(s).replace(/%40/g, '@').replace(/%3A/g, ':')).join('');
}

/** The raw query string of a request URL, with its `?`, or ''. */
export function rawQuery(originalUrl: string): string {
  const i = originalUrl.indexOf('?');
  return i >= 0 ? originalUrl.slice(i) : '';
}

/** Segments equal to the home project id replaced by the provider project id (quota paths and the like). */
export function translateSegments(segments: readonly string[], from?: string, to?: string): string[] {
  if (!from || !to || from === to) return [...segments];
  return segments.map((s) => (s === from ? to : s));
}
