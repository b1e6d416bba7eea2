import { PreconditionFailed } from '../../errors/errors';

/**
 * A provider URL for a container or object. Each name is percent-encoded; a "/" inside an object name stays a
 * "/" except where the next segment would be "." or "..": URL parsers (WHATWG, hence undici) collapse such dot
 * segments, which would address another object (or another account). There the "/" next to it is sent as "%2F";
 * Swift percent-decodes the whole path before splitting it, so it reads the very same name
 * (swift/proxy/server.py get_controller). Checked against Swift 2.30: `c%2F..` names object ".." in "c".
 */
export function encodeSegment(name: string): string {
  return encodeURIComponent(name);
}

function isDotSegment(s: string): boolean {
  return s === '.' || s === '..';
}

/**
 * Joins path segments so that none is a dot segment: a run of dot segments is glued to the segment after it
 * (`a/../b` → `a/..%2Fb`), or, at the end of the path, to the one before it (`c/..` → `c%2F..`).
 */
function joinSafely(head: string, segments: readonly string[]): string {
  const groups: string[] = [];
  let pending: string[] = [];
  for (const seg of segments) {
    if (isDotSegment(seg)) {
      pending.push(seg);
      continue;
    }
    groups.push([...pending, seg].map(encodeSegment).join('%2F'));
    pending = [];
  }
  const tail = pending.map((seg) => `%2F${encodeSegment(seg)}`).join('');
  if (groups.length === 0) return head + tail;
  return `${head}/${groups.join('/')}${tail}`;
}

/** `base` is the provider's account URL (`.../v1/AUTH_<project>`, no trailing slash). */
export function containerUrl(base: string, container: string, query = ''): string {
  return joinSafely(base, [container]) + query;
}

export function objectUrl(base: string, container: string, object: string, query = ''): string {
  return joinSafely(base, [container, ...object.split('/')]) + query;
}

/** `container/object` for headers like X-Copy-From and Destination (account-relative, encoded like a path). */
export function containerObjectRef(container: string, object: string): string {
  // Headers are not URLs: no dot-segment collapsing to avoid; Swift unquotes them before splitting.
  return [container, ...object.split('/')].map(encodeSegment).join('/');
}

/**
 * The same Swift endpoint for another account: the storage URL's last segment (`AUTH_<project>`) replaced. An
 * account that is a dot segment or holds a "/" would climb out of the account level, so it is refused.
 */
export function withAccount(base: string, account: string): string {
  if (account === '' || isDotSegment(account) || account.includes('/')) throw new PreconditionFailed('Bad URL');
  const cut = base.replace(/\/+$/, '');
  return `${cut.slice(0, cut.lastIndexOf('/'))}/${encodeSegment(account)}`;
}

/** The account of a provider's storage URL: its last path segment (`AUTH_<project>`). */
export function accountOf(base: string): string {
  const path = new URL(base).pathname.replace(/\/+$/, '');
  return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
}

/** Query string built from ordered pairs, encoded like Python's urlencode(quote_via=quote). */
export function buildQuery(pairs: ReadonlyArray<readonly [string, string | undefined]>): string {
  const parts = pairs
    .filter((p): p is readonly [string, string] => p[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return parts.length ? `?${parts.join('&')}` : '';
}
