import type { IncomingHttpHeaders } from 'node:http';

/**
 * The one policy for headers crossing between a client and a provider. Every front (Keystone passthrough,
 * Nova/Cinder/Glance, Swift) builds what a provider receives with `clientHeadersForProvider` and
 * `withProxyIdentity`, and what the client receives with `providerHeadersForClient`.
 *
 * RFC 7230 §6.1: hop-by-hop headers describe one connection and must not be forwarded, nor any header the
 * Connection header names. Removed before any rewrite runs.
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
  const named = connectionTokens(headers['connection']);
  const out: HeaderBag = {};
  for (const k of Object.keys(headers)) {
    const v = headers[k];
    if (v === undefined) continue;
    const key = k.toLowerCase();
    if (HOP_BY_HOP.has(key) || (named !== undefined && named.includes(key))) continue;
    out[key] = v;
  }
  return out;
}

/**
 * The header names a Connection header lists (lower-cased), or undefined when it lists none. Called for every
 * request and response: most carry no Connection header, or only `keep-alive` or `close`, so no list is built then.
 */
function connectionTokens(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if (text === '') return undefined;
  const tokens: string[] = [];
  for (const part of text.split(',')) {
    const token = part.trim().toLowerCase();
    if (token !== '') tokens.push(token);
  }
  return tokens.length > 0 ? tokens : undefined;
}

/**
 * SECURITY: what a client sends the proxy that no provider may receive as sent.
 * - Credentials: the client's token (under any of Keystone's and Swift's names), cookies, HTTP auth, tempauth
 *   user/key. A provider gets only its own session token, set by the caller of this function.
 * - Forwarding headers: client-chosen, so spoofable; the proxy states the real peer itself (`withProxyIdentity`).
 * - The client's request id: the proxy's own id goes upstream, so no client picks the id other clouds log.
 * - Framing the proxy recomputes (`content-length`, `expect`), the proxy's own `x-ocx-*` headers, and
 *   Accept-Encoding, because JSON answers are rewritten and must arrive uncompressed.
 */
const NEVER_FORWARDED = new Set([
  'host',
  'authorization',
  'cookie',
  'x-auth-token',
  'x-subject-token',
  'x-storage-token',
  'x-auth-user',
  'x-auth-key',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-forwarded-prefix',
  'x-forwarded-server',
  'forwarded',
  'x-real-ip',
  'x-client-ip',
  'true-client-ip',
  'x-cluster-client-ip',
  'x-openstack-request-id',
  'content-length',
  'expect',
  'accept-encoding',
]);

export interface ForwardPolicy {
  /**
   * The home cloud's service token (its Nova calling the proxy's Cinder) is a home credential: it may go back to
   * home, never to another provider, whose Keystone would reject the whole request for it anyway.
   */
  serviceToken?: boolean;
  /** Keep Accept-Encoding: only for bodies relayed without rewriting (image data). */
  keepEncoding?: boolean;
}

/**
 * The client's request headers fit to send one provider; credentials and forwarding headers removed. One pass over
 * the client's headers (hop-by-hop, the Connection header's names, NEVER_FORWARDED, `x-ocx-*`, the service token)
 * into a fresh object: this runs for every proxied call.
 */
export function clientHeadersForProvider(incoming: IncomingHttpHeaders, policy: ForwardPolicy = {}): HeaderBag {
  const named = connectionTokens(incoming['connection']);
  const out: HeaderBag = {};
  for (const k of Object.keys(incoming)) {
    const v = incoming[k];
    if (v === undefined) continue;
    const key = k.toLowerCase();
    if (HOP_BY_HOP.has(key) || (named !== undefined && named.includes(key))) continue;
    if (NEVER_FORWARDED.has(key) || key.startsWith('x-ocx-')) {
      if (!(key === 'accept-encoding' && policy.keepEncoding)) continue;
    }
    if (key === 'x-service-token' && !policy.serviceToken) continue;
    out[key] = v;
  }
  return out;
}

/** What the proxy itself tells a provider about a call: its request id and the real peer (per trust_proxy). */
export interface ProxyIdentity {
  requestId: string;
  /** The client address as Express computes it with the operator's `trust_proxy`. */
  peer?: string;
}

export function withProxyIdentity(headers: HeaderBag, who: ProxyIdentity): HeaderBag {
  return addProxyIdentity({ ...headers }, who);
}

/** withProxyIdentity on a bag the caller owns (no copy): for a bag clientHeadersForProvider just made. */
export function addProxyIdentity(headers: HeaderBag, who: ProxyIdentity): HeaderBag {
  headers['x-openstack-request-id'] = who.requestId;
  if (who.peer) headers['x-forwarded-for'] = who.peer;
  return headers;
}

/**
 * Request ids a provider's services make for themselves: one id per call is what the client sees, the proxy's
 * (the provider's ids tell nothing the client can use, and name the provider's internals).
 */
const PROVIDER_REQUEST_IDS = ['x-compute-request-id', 'x-trans-id', 'x-openstack-request-id'];

/** A provider's response headers as a client may see them (before URL rewriting). */
export function providerHeadersForClient(upstream: IncomingHttpHeaders | HeaderBag, requestId: string): HeaderBag {
  const out = stripHopByHop(upstream);
  for (const h of PROVIDER_REQUEST_IDS) if (out[h] !== undefined) out[h] = requestId;
  out['x-openstack-request-id'] = requestId;
  return out;
}

export function headerValue(headers: IncomingHttpHeaders | HeaderBag, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
