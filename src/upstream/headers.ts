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

/** The client's request headers fit to send one provider; credentials and forwarding headers removed. */
export function clientHeadersForProvider(incoming: IncomingHttpHeaders, policy: ForwardPolicy = {}): HeaderBag {
  const out = stripHopByHop(incoming);
  for (const key of Object.keys(out)) {
    if (NEVER_FORWARDED.has(key) || key.startsWith('x-ocx-')) {
      if (key === 'accept-encoding' && policy.keepEncoding) continue;
      delete out[key];
    }
  }
  if (!policy.serviceToken) delete out['x-service-token'];
  return out;
}

/** What the proxy itself tells a provider about a call: its request id and the real peer (per trust_proxy). */
export interface ProxyIdentity {
  requestId: string;
  /** The client address as Express computes it with the operator's `trust_proxy`. */
  peer?: string;
}

export function withProxyIdentity(headers: HeaderBag, who: ProxyIdentity): HeaderBag {
  const out: HeaderBag = { ...headers, 'x-openstack-request-id': who.requestId };
  if (who.peer) out['x-forwarded-for'] = who.peer;
  return out;
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
