// Swift's tempurl middleware for the fake (swift/common/middleware/tempurl.py, 2.30): a request with
// temp_url_sig / temp_url_expires is allowed, without any token, when its HMAC over "METHOD\nEXPIRES\nPATH"
// (or `prefix:` + path) matches an account or container temp-url key. PATH is the whole request path, as a Swift
// behind this service root (`path_prefix`) signs it. IP-restricted signatures are refused (no client address is
// trusted here), as are methods outside GET HEAD PUT POST DELETE.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { SwiftAccount } from './swift-store';

export const TEMPURL_INFO = {
  methods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'],
  incoming_remove_headers: ['x-timestamp'],
  incoming_allow_headers: [],
  outgoing_remove_headers: ['x-object-meta-*'],
  outgoing_allow_headers: ['x-object-meta-public-*'],
  allowed_digests: ['sha1', 'sha256', 'sha512'],
};

/** 'none': not a tempurl request; 'invalid': Swift's 401; 'ok': allowed on the path's account. */
export function tempUrlAccess(
  req: Request,
  fullPath: string,
  acct: SwiftAccount | undefined,
  container: string | undefined,
  object: string | undefined,
  nowMs: number,
): 'none' | 'invalid' | 'ok' {
  const q = new URLSearchParams(
    req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '',
  );
  const sig = q.get('temp_url_sig');
  const rawExpires = q.get('temp_url_expires');
  if (sig === null && rawExpires === null) return 'none';
  if (!sig || !rawExpires || q.has('temp_url_ip_range')) return 'invalid';
  if (!TEMPURL_INFO.methods.includes(req.method) || !container || !object) return 'invalid';
  const expires = /^\d+$/.test(rawExpires)
    ? Number(rawExpires)
    : Date.parse(rawExpires.replace(/Z$/, '.000Z')) / 1000 || 0;
  if (expires < nowMs / 1000) return 'invalid';
  const parsed = parseSig(sig);
  if (!parsed) return 'invalid';
  const prefix = q.get('temp_url_prefix');
  let path = fullPath;
  if (prefix !== null) {
    if (!object.startsWith(prefix)) return 'invalid';
    path = `prefix:${fullPath.slice(0, fullPath.length - object.length)}${prefix}`;
  }
  const meta = [acct?.meta, acct?.containers.get(container)?.meta];
  const keys = meta.flatMap((m) => [m?.['temp-url-key'], m?.['temp-url-key-2']]).filter((k): k is string => !!k);
  const methods = req.method === 'HEAD' ? ['HEAD', 'GET', 'POST', 'PUT'] : [req.method];
  // Header values arrive one byte per character (latin1); Swift's HMAC key is the header's raw bytes.
  for (const key of keys) {
    for (const m of methods) {
      const mac = createHmac(parsed.digest, Buffer.from(key, 'latin1'))
        .update(`${m}\n${expires}\n${path}`)
        .digest('hex');
      if (mac.length === parsed.hex.length && timingSafeEqual(Buffer.from(mac), Buffer.from(parsed.hex))) return 'ok';
    }
  }
  return 'invalid';
}

function parseSig(sig: string): { digest: string; hex: string } | undefined {
  const colon = sig.indexOf(':');
  if (colon >= 0) {
    const digest = sig.slice(0, colon);
    if (!['sha1', 'sha256', 'sha512'].includes(digest)) return undefined;
    return { digest, hex: Buffer.from(sig.slice(colon + 1), 'base64').toString('hex') };
  }
  const digest = ({ 40: 'sha1', 64: 'sha256', 128: 'sha512' } as Record<number, string>)[sig.length];
  return digest && /^[0-9a-f]+$/.test(sig) ? { digest, hex: sig } : undefined;
}
