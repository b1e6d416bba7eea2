// Large objects (object-store api-ref "Large objects"): a DLO manifest (`X-Object-Manifest: container/prefix`)
// serves every object under the prefix in byte order; an SLO manifest (`PUT ?multipart-manifest=put` with a
// JSON list of {path, etag, size_bytes}) serves its listed segments. Both answer a quoted ETag: the md5 of the
// concatenated segment ETags.
import { byteCompare } from './swift-listing';
import { listingTime, md5 } from './swift-store';
import type { SwiftAccount, SwiftObject } from './swift-store';

export interface Content {
  data: Buffer;
  etag: string;
  quoted: boolean;
}

function segmentPath(path: string): [string, string] | undefined {
  const m = /^\/?([^/]+)\/(.+)$/.exec(path);
  return m?.[1] && m[2] ? [m[1], m[2]] : undefined;
}

/** The bytes a GET returns; undefined when an SLO segment has gone missing (Swift fails the read). */
export function resolveContent(acct: SwiftAccount, o: SwiftObject): Content | undefined {
  if (o.dloManifest) {
    const [container, prefix] = [o.dloManifest.split('/')[0] ?? '', o.dloManifest.split('/').slice(1).join('/')];
    const c = acct.containers.get(decodeURIComponent(container));
    const segs = [...(c?.objects.entries() ?? [])]
      .filter(([n]) => n.startsWith(decodeURIComponent(prefix)))
      .sort((a, b) => byteCompare(a[0], b[0]))
      .map(([, s]) => s);
    return { data: Buffer.concat(segs.map((s) => s.data)), etag: md5(segs.map((s) => s.etag).join('')), quoted: true };
  }
  if (o.sloSegments) {
    const parts: Buffer[] = [];
    for (const seg of o.sloSegments) {
      const p = segmentPath(seg.path);
      const s = p ? acct.containers.get(p[0])?.objects.get(p[1]) : undefined;
      if (!s || s.etag !== seg.etag) return undefined;
      parts.push(s.data);
    }
    return { data: Buffer.concat(parts), etag: o.etag, quoted: true };
  }
  return { data: o.data, etag: o.etag, quoted: false };
}

export type SloParse =
  { ok: true; segments: NonNullable<SwiftObject['sloSegments']>; stored: Buffer } | { ok: false; message: string };

/** Validates an SLO manifest body against the segments that exist; returns what Swift stores. */
export function readSlo(acct: SwiftAccount, body: Buffer): SloParse {
  let list: unknown;
  try {
    list = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, message: 'Manifest must be valid JSON.\n' };
  }
  if (!Array.isArray(list) || list.length === 0) return { ok: false, message: 'Manifest must be a list.\n' };
  const errors: string[] = [];
  const segments: NonNullable<SwiftObject['sloSegments']> = [];
  const stored: Record<string, unknown>[] = [];
  for (const raw of list as Record<string, unknown>[]) {
    const path = typeof raw.path === 'string' ? raw.path : '';
    const p = segmentPath(path);
    const seg = p ? acct.containers.get(p[0])?.objects.get(p[1]) : undefined;
    if (!seg) {
      errors.push(`${path}, 404 Not Found`);
      continue;
    }
    if (raw.etag !== undefined && raw.etag !== null && raw.etag !== seg.etag) errors.push(`${path}, Etag Mismatch`);
    if (raw.size_bytes !== undefined && raw.size_bytes !== null && raw.size_bytes !== seg.data.length) {
      errors.push(`${path}, Size Mismatch`);
    }
    segments.push({ path, etag: seg.etag, size_bytes: seg.data.length });
    const last_modified = listingTime(seg.modifiedAt);
    stored.push({ name: path, hash: seg.etag, bytes: seg.data.length, content_type: seg.contentType, last_modified });
  }
  if (errors.length > 0) return { ok: false, message: `Errors:\n${errors.join('\n')}\n` };
  return { ok: true, segments, stored: Buffer.from(JSON.stringify(stored)) };
}
