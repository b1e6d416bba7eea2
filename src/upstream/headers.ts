import type { IncomingHttpHeaders } from 'node:http';

/**
 * RFC 7230 §6.1: hop-by-hop headers describe one connection and must not be forwarded, nor any header the
 * Connection header names. Removed before any rewrite runs (STYLE.md habit 6).
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
]);

export type HeaderBag = Record<string, string | string[]>;

export function stripHopByHop(headers: IncomingHttpHeaders | HeaderBag): HeaderBag {
  const named = new Set(
    String(headers['connection'] ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: HeaderBag = {};
  for (const [k, v] of Object.entries(headers)) {
    const key = k.toLowerCase();
    if (v === undefined || HOP_BY_HOP.has(key) || named.has(key)) continue;
    out[key] = v;
  }
  return out;
}

/**
 * Headers a client sends that must not reach a provider as-is: they are replaced per provider. Accept-Encoding is
 * dropped because JSON answers are rewritten (links, catalogs) and must arrive uncompressed.
 */
const CLIENT_ONLY = [
  'host',
  'x-auth-token',
  'x-subject-token',
  'x-ocx-provider',
  'content-length',
  'expect',
  'accept-encoding',
];

export function upstreamRequestHeaders(incoming: IncomingHttpHeaders): HeaderBag {
  const out = stripHopByHop(incoming);
  for (const h of CLIENT_ONLY) delete out[h];
  return out;
}

export function headerValue(headers: IncomingHttpHeaders | HeaderBag, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
