import { ItemNotFound, PreconditionFailed } from '../../errors/errors';

/**
 * A Swift request path as Swift itself reads it: the whole path is percent-decoded first (so `%2F` is a "/"),
 * then split into at most version / account / container / object, the object keeping every remaining "/"
 * (swift/proxy/server.py get_controller: split_path(wsgi_unquote(path), 1, 4, True)). Names are otherwise
 * verbatim: `..`, `//`, a literal `%` (sent as `%25`) are all legal parts of an object name.
 */
export interface SwiftPath {
  version: string;
  account: string;
  /** Absent or '' for an account request (`/v1/AUTH_x/` is the account, like Swift). */
  container?: string;
  /** Absent or '' for a container request (`/v1/AUTH_x/c/` is the container). */
  object?: string;
}

export type SwiftTarget =
  | { level: 'account'; account: string }
  | { level: 'container'; account: string; container: string }
  | { level: 'object'; account: string; container: string; object: string };

/** Percent-decodes like Python's unquote (bad escapes stay as they are) and insists on valid UTF-8 without NUL. */
export function swiftUnquote(raw: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x25 && /^[0-9A-Fa-f]{2}$/.test(raw.slice(i + 1, i + 3))) {
      bytes.push(parseInt(raw.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      // Node hands us the raw request line as latin-1 ("binary") characters; keep the byte.
      bytes.push(c & 0xff);
    }
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(Uint8Array.from(bytes));
  } catch {
    throw new PreconditionFailed('Invalid UTF8 or contains NULL');
  }
  if (text.includes('\0')) throw new PreconditionFailed('Invalid UTF8 or contains NULL');
  return text;
}

/**
 * Where a request path's Swift part starts: '' for Swift's own `/v1...` at the root, `/object-store` for the
 * alias (every path under it is Swift's); undefined for paths that are not Swift's. Raw (undecoded) path.
 */
export function swiftMount(rawPath: string): '' | '/object-store' | undefined {
  if (rawPath === '/object-store' || rawPath.startsWith('/object-store/')) return '/object-store';
  if (/^\/v1(\.0)?(\/|$)/.test(rawPath)) return '';
  return undefined;
}

/** Python's urllib.parse.quote(s, safe='/') of the UTF-8 bytes. */
export function pyQuote(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%2F/g, '/');
}

/**
 * The realm of Swift's `WWW-Authenticate: Swift realm="..."` for a raw path: the account, quoted, or `unknown`
 * (swift/common/swob.py Response.www_authenticate).
 */
export function swiftRealm(rawPath: string): string {
  const parts = rawPath.split('/');
  const raw = parts[2];
  if (raw === undefined || raw === '' || parts.length < 3) return 'unknown';
  let realm: string;
  try {
    realm = swiftUnquote(raw);
  } catch {
    return 'unknown';
  }
  return realm === 'v1.0' || realm === 'auth' ? 'unknown' : pyQuote(realm);
}

/** Splits a decoded path `/v1/AUTH_x/c/o/b/j` (relative to the service mount). */
export function parseSwiftPath(rawPath: string): SwiftPath {
  const path = swiftUnquote(rawPath);
  if (!path.startsWith('/')) throw new PreconditionFailed('Bad URL');
  const parts = path.slice(1).split('/');
  const [version, account] = parts;
  if (!version || !account) throw new ItemNotFound('The resource could not be found.');
  const container = parts[2];
  const object = parts.length > 3 ? parts.slice(3).join('/') : undefined;
  // Swift refuses an object under an empty container name (`/v1/a//o`).
  if (container === '' && object) throw new PreconditionFailed('Bad URL');
  return { version, account, container, object };
}

export function targetOf(p: SwiftPath): SwiftTarget {
  if (!p.container) return { level: 'account', account: p.account };
  if (!p.object) return { level: 'container', account: p.account, container: p.container };
  return { level: 'object', account: p.account, container: p.container, object: p.object };
}

/** `container/object` as Swift headers carry it (X-Copy-From, Destination, X-Symlink-Target), leading "/" optional. */
export function parseContainerObject(value: string): { container: string; object: string } | undefined {
  const decoded = swiftUnquote(value);
  const trimmed = decoded.startsWith('/') ? decoded.slice(1) : decoded;
  const slash = trimmed.indexOf('/');
  if (slash <= 0 || slash === trimmed.length - 1) return undefined;
  return { container: trimmed.slice(0, slash), object: trimmed.slice(slash + 1) };
}
