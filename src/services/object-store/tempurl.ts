import { createHmac, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import type { Request, Response } from 'express';
import type { Config } from '../../config/types';
import { hasBody } from '../../http/body';
import type { RequestContext } from '../../http/context';
import type { UpstreamClient, UpstreamResponse } from '../../upstream/client';
import { withProxyIdentity } from '../../upstream/headers';
import type { ContainerLocator } from './container-locator';
import type { InfoDoc } from './info-merge';
import { relay } from './relay';
import type { ScopedKey, SigningKeys } from './signing-keys';
import { forwardableHeaders } from './swift-client';
import type { SwiftTarget } from './swift-path';
import { buildQuery, objectUrl } from './upstream-url';

/**
 * TempURL through the proxy (docs/lab-swift.md "TempURL and FormPost"). A signed request arrives for the proxy's
 * path `/v1/AUTH_<home project>/c/o`; no provider could check that signature (their accounts are named by their own
 * project ids), so the proxy checks it itself by Swift's rules (swift/common/middleware/tempurl.py), against the
 * keys each provider holds for the project (signing-keys.ts). A signature that verifies with provider P's keys is
 * made again, same method, expiry and key, for P's own path, and the request goes to P without any token; P's own
 * tempurl middleware checks it once more and applies its header rules. The client's signature never leaves the
 * proxy, and a key is only ever used at the provider that holds it.
 */
export interface TempUrlParams {
  sig?: string;
  /** Epoch seconds; 0 when unparsable or past (Swift's _get_temp_url_info). */
  expires?: number;
  prefix?: string;
  ipRange?: string;
  filename?: string;
  inline: boolean;
}

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

/** The tempurl parameters of a query string, or undefined when it has neither signature nor expiry. */
export function tempUrlParams(query: string, nowMs: number): TempUrlParams | undefined {
  const q = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  if (!q.has('temp_url_sig') && !q.has('temp_url_expires')) return undefined;
  const out: TempUrlParams = { inline: q.has('inline') };
  const sig = q.get('temp_url_sig');
  if (sig !== null) out.sig = sig;
  const expires = q.get('temp_url_expires');
  if (expires !== null) {
    const t = parseExpires(expires);
    out.expires = t < nowMs / 1000 ? 0 : t;
  }
  const prefix = q.get('temp_url_prefix');
  if (prefix !== null) out.prefix = prefix;
  const ip = q.get('temp_url_ip_range');
  if (ip !== null) out.ipRange = ip;
  const filename = q.get('filename');
  if (filename !== null) out.filename = filename;
  return out;
}

function parseExpires(v: string): number {
  if (/^\s*[+-]?\d+\s*$/.test(v)) return Number(v.trim());
  const m = ISO_8601.exec(v);
  if (!m) return 0;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  // strptime refuses a date that does not exist (2026-02-30).
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 61) return 0;
  return ms / 1000;
}

export type Digest = 'sha1' | 'sha256' | 'sha512';

/** `<hex>` (length names the digest) or `<alg>:<base64>` (standard or url-safe), as lower-case hex. */
export function parseSignature(sig: string): { digest: Digest; hex: string } | undefined {
  const colon = sig.indexOf(':');
  if (colon >= 0) {
    const algo = sig.slice(0, colon);
    let b64 = sig.slice(colon + 1);
    if (/[-_]/.test(b64) && !/[+/]/.test(b64)) b64 = b64.replace(/-/g, '+').replace(/_/g, '/');
    const padded = (b64 + '==').replace(/=+$/, '');
    if (!/^[A-Za-z0-9+/]*$/.test(padded) || padded.length % 4 === 1) return undefined;
    if (algo !== 'sha1' && algo !== 'sha256' && algo !== 'sha512') return undefined;
    return { digest: algo, hex: Buffer.from(padded, 'base64').toString('hex') };
  }
  if (!/^([0-9a-fA-F]{2})*$/.test(sig)) return undefined;
  const digest = ({ 40: 'sha1', 64: 'sha256', 128: 'sha512' } as const)[sig.length as 40 | 64 | 128];
  return digest ? { digest, hex: sig } : undefined;
}

/**
 * The bytes of a temp-url key as Swift HMACs them. Keys are header values (`X-*-Meta-Temp-URL-Key`), and both Node's
 * HTTP parser and undici hand header values over one byte per character (latin1); Swift uses the header's raw
 * bytes, so a key of UTF-8 text must not be UTF-8-encoded once more.
 */
export function keyBytes(key: string): Buffer {
  return Buffer.from(key, 'latin1');
}

/** swift/common/digest.py get_hmac. */
export function tempUrlHmac(
  method: string,
  path: string,
  expires: number,
  key: string,
  digest: Digest,
  ipRange?: string,
): string {
  const parts = [method, String(expires), path];
  if (ipRange) parts.unshift(`ip=${ipRange}`);
  return createHmac(digest, keyBytes(key))
    .update(Buffer.from(parts.join('\n'), 'utf8'))
    .digest('hex');
}

export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The methods a signature may be for: HEAD also accepts signatures for GET, POST and PUT (tempurl.py). */
function signedMethods(method: string): string[] {
  return method === 'HEAD' ? ['HEAD', 'GET', 'POST', 'PUT'] : [method];
}

export interface Match {
  key: string;
  method: string;
  scope: ScopedKey['scope'];
}

/**
 * Which of the keys signed this request for one of the signed paths (Swift's checks, in its order). Returns
 * undefined for anything Swift's tempurl middleware would answer 401.
 */
export function verify(
  p: TempUrlParams,
  method: string,
  paths: readonly string[],
  keys: readonly ScopedKey[],
  allowedDigests: readonly string[],
): (Match & { digest: Digest }) | undefined {
  if (!p.sig || !p.expires) return undefined;
  const sig = parseSignature(p.sig);
  if (!sig || !allowedDigests.includes(sig.digest)) return undefined;
  for (const path of paths) {
    for (const m of signedMethods(method)) {
      for (const k of keys) {
        if (sameText(sig.hex, tempUrlHmac(m, path, p.expires, k.key, sig.digest, p.ipRange))) {
          return { key: k.key, method: m, scope: k.scope, digest: sig.digest };
        }
      }
    }
  }
  return undefined;
}

/** The path a signature covers: the object's, or with temp_url_prefix `prefix:/v1/a/c/<prefix>`. */
export function signedPath(root: string, account: string, container: string, object: string, prefix?: string): string {
  return prefix === undefined
    ? `${root}/v1/${account}/${container}/${object}`
    : `prefix:${root}/v1/${account}/${container}/${prefix}`;
}

/** Python's ip_network(range) (strict: no host bits) holding the address; false for anything it would refuse. */
export function inRange(range: string, address: string | undefined): boolean {
  if (!address) return false;
  const addr = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  const [net, bits, extra] = range.split('/');
  if (extra !== undefined || !net) return false;
  const family = isIP(net);
  if (!family || isIP(addr) !== family) return false;
  const max = family === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : /^\d+$/.test(bits) ? Number(bits) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  list.addSubnet(net, prefix, type);
  // strict=True: host bits set is a ValueError, i.e. 401.
  if (prefix < max && !sameNetworkBase(net, prefix, type)) return false;
  return list.check(addr, type);
}

function sameNetworkBase(net: string, prefix: number, type: 'ipv4' | 'ipv6'): boolean {
  const bytes = ipBytes(net, type);
  for (let bit = prefix; bit < bytes.length * 8; bit++) {
    if ((bytes[bit >> 3] as number) & (0x80 >> (bit & 7))) return false;
  }
  return true;
}

function ipBytes(ip: string, type: 'ipv4' | 'ipv6'): number[] {
  if (type === 'ipv4') return ip.split('.').map(Number);
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.flatMap((g) => {
    const n = parseInt(g || '0', 16);
    return [n >> 8, n & 0xff];
  });
}

export interface SignedCall {
  req: Request;
  res: Response;
  ctx: RequestContext;
  config: Config;
  upstream: UpstreamClient;
  keys: SigningKeys;
  locator: ContainerLocator;
  /** The merged /info (allowed digests, methods). */
  info: InfoDoc | undefined;
  /** '' or `/object-store`: where the client addressed Swift. */
  mount: string;
  /** `{public_url}{mount}/{version}` as the client addressed Swift. */
  proxyRoot: string;
  rawPath: string;
  query: string;
}

/**
 * Swift's answer to a tempurl it does not accept (tempurl.py _invalid): swob's 401 made without a request, so its
 * challenge names no account.
 */
export function tempUrlInvalid(res: Response, method: string): void {
  res.status(401);
  res.setHeader('Www-Authenticate', 'Swift realm="unknown"');
  res.setHeader('Content-Type', 'text/html; charset=UTF-8');
  const body = method === 'HEAD' ? '' : '401 Unauthorized: Temp URL invalid\n';
  res.setHeader('Content-Length', String(Buffer.byteLength(body)));
  res.end(method === 'HEAD' ? undefined : body);
}

const DEFAULT_METHODS = ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'];

function tempurlInfo(info: InfoDoc | undefined): { methods: string[]; digests: string[] } {
  const t = info?.['tempurl'] as { methods?: unknown; allowed_digests?: unknown } | undefined;
  const list = (v: unknown, d: string[]): string[] =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : d;
  return { methods: list(t?.methods, DEFAULT_METHODS), digests: list(t?.allowed_digests, ['sha256', 'sha512']) };
}

interface Candidate {
  provider: string;
  base: string;
  match: Match & { digest: Digest };
}

/** A request carrying temp_url_sig / temp_url_expires (with or without a token, as in Swift). */
export async function tempUrlRequest(call: SignedCall, target: SwiftTarget, p: TempUrlParams): Promise<void> {
  const { req, res } = call;
  const method = req.method;
  const invalid = (): void => tempUrlInvalid(res, method);
  const conf = tempurlInfo(call.info);
  // Offered only when every provider's Swift has tempurl (info-merge.ts): elsewhere the re-signed URL would not work.
  if (!call.info?.['tempurl'] || !p.sig || !p.expires) return invalid();
  if (!conf.methods.includes(method) || target.level !== 'object' || !/[^/]/.test(target.object)) return invalid();
  // tempurl.py _get_path_parts: version v1 only.
  if (!call.rawPath.startsWith('/v1/')) return invalid();
  if (p.ipRange && !inRange(p.ipRange, call.ctx.peer ?? req.ip)) return invalid();
  const { account, container, object } = target;
  if (p.prefix !== undefined && !object.startsWith(p.prefix)) return invalid();
  // Signed for `/v1/...` as Swift's tools make them; behind the alias also for the path the client used.
  const paths = [signedPath('', account, container, object, p.prefix)];
  if (call.mount) paths.push(signedPath(call.mount, account, container, object, p.prefix));
  const found = await candidateBases(call, account, container);
  if (!found) return invalid();
  const { name } = found;
  const candidates: Candidate[] = [];
  for (const { provider, base } of found.candidates) {
    const keys = await call.keys.keys(found.project, provider, name);
    const match = verify(p, method, paths, keys, conf.digests);
    if (match) candidates.push({ provider, base, match });
  }
  if (candidates.length === 0) return invalid();

  const send = (c: Candidate, m: string, withBody: boolean): Promise<UpstreamResponse> =>
    call.upstream.send({
      provider: c.provider,
      service: 'object-store',
      method: m,
      url: providerUrl(c, name, object, p),
      headers: withProxyIdentity(forwardableHeaders(req.headers), call.ctx),
      body: withBody ? req : undefined,
      signal: call.ctx.signal,
    });
  const streamed = hasBody(req.headers);
  let chosen = candidates[0] as Candidate;
  if (candidates.length > 1) {
    if (!streamed && method !== 'PUT') {
      // No body to replay: ask each holder in turn, the first that has the object answers.
      for (const [i, c] of candidates.entries()) {
        const up = await send(c, method, false);
        if (up.status === 404 && i < candidates.length - 1) {
          up.body.resume();
          continue;
        }
        return relay(res, call.ctx, up, view(call, c, account), method);
      }
    }
    // A body: the holder that already has the object (a HEAD accepts this signature), else the first holder.
    for (const c of candidates.slice(0, -1)) {
      const head = await send(c, 'HEAD', false);
      head.body.resume();
      if (head.status >= 200 && head.status < 300) {
        chosen = c;
        break;
      }
    }
  }
  const up = await send(chosen, method, streamed);
  await relay(res, call.ctx, up, view(call, chosen, account), method);
}

/**
 * The providers a signed request for the project's container may go to, in the order to try them: its recorded
 * location (`name@provider`: that one), else every provider where the project has an account the proxy knows,
 * those where the container was seen first. Undefined when the account is not a proxy account.
 */
export async function candidateBases(
  call: SignedCall,
  account: string,
  container: string,
): Promise<{ project: string; name: string; candidates: { provider: string; base: string }[] } | undefined> {
  const project = /^AUTH_(.+)$/.exec(account)?.[1];
  if (!project) return undefined;
  const names = call.config.providers.map((x) => x.name);
  const at = container.lastIndexOf('@');
  const named = at > 0 && names.includes(container.slice(at + 1)) ? container.slice(at + 1) : undefined;
  const name = named ? container.slice(0, at) : container;
  const bases = await call.keys.bases(project);
  const recorded = named ? [named] : await call.locator.recordedHolders(project, name);
  // Without a recorded location, providers where the container was seen come first (a body cannot be sent twice).
  const seen = named ? [] : await call.keys.seenAt(project, name);
  const known = (n: string): boolean => bases[n] !== undefined && (recorded ? recorded.includes(n) : true);
  const order = [
    ...names.filter((n) => known(n) && seen.includes(n)),
    ...names.filter((n) => known(n) && !seen.includes(n)),
  ];
  return { project, name, candidates: order.map((provider) => ({ provider, base: bases[provider] as string })) };
}

function view(call: SignedCall, c: Candidate, account: string) {
  return { provider: c.provider, providerBase: c.base, proxyBase: `${call.proxyRoot}/${account}` };
}

/** The provider's URL for the object with the signature made again for the provider's own path. */
function providerUrl(c: Candidate, container: string, object: string, p: TempUrlParams): string {
  const basePath = decodeURIComponent(new URL(c.base).pathname.replace(/\/+$/, ''));
  // The provider's storage URL ends in `/v1/<account>`; what precedes it is the provider's own path prefix.
  const cut = basePath.lastIndexOf('/v1/');
  const providerAccount = basePath.slice(cut + 4);
  const root = basePath.slice(0, cut);
  const path = signedPath(root, providerAccount, container, object, p.prefix);
  const sig = tempUrlHmac(c.match.method, path, p.expires as number, c.match.key, c.match.digest);
  const query = buildQuery([
    ['temp_url_sig', sig],
    ['temp_url_expires', String(p.expires)],
    ['temp_url_prefix', p.prefix],
    ['filename', p.filename],
    ['inline', p.inline ? '' : undefined],
  ]);
  return objectUrl(c.base, container, object, query);
}
