import { pipeline } from 'node:stream/promises';
import { BadRequest, Forbidden, PreconditionFailed, PayloadTooLarge } from '../../errors/errors';
import { headerValue, type HeaderBag } from '../../upstream/headers';
import type { ContainerRef } from './container-locator';
import { readTarget, writeTarget } from './object-location';
import { rewriteRequestHeaders } from './request-headers';
import { forwardableHeaders } from './swift-client';
import { containerRef, relayFrom, viewOf, type SwiftCall } from './swift-call';
import { parseContainerObject, swiftUnquote } from './swift-path';
import { accountOf, buildQuery, containerObjectRef } from './upstream-url';
import { clientHeaders } from './response-headers';
import { relay, setHeaders } from './relay';

export interface ObjectAddress {
  /** The container name as the client wrote it (for X-Copied-From). */
  raw: string;
  ref: ContainerRef;
  object: string;
}

/** Source of `PUT` + `X-Copy-From`, or destination of `COPY` + `Destination` (swift/common/middleware/copy.py). */
export function addressFromHeader(call: SwiftCall, header: 'x-copy-from' | 'destination'): ObjectAddress {
  const value = headerValue(call.req.headers, header);
  const parsed = value === undefined ? undefined : parseContainerObject(value);
  if (!parsed) {
    if (header === 'destination' && !value) throw new PreconditionFailed('Destination header required');
    const name = header === 'destination' ? 'Destination' : 'X-Copy-From';
    throw new PreconditionFailed(`${name} header must be of the form <container name>/<object name>`);
  }
  return { raw: parsed.container, ref: containerRef(call, parsed.container), object: parsed.object };
}

/**
 * A server-side copy. COPY is turned into PUT + X-Copy-From, as Swift's copy middleware does. Source and
 * destination at the same provider: that provider copies. At different providers: the proxy streams the
 * source GET into the destination PUT (never buffering), carrying metadata the way Swift's copy does.
 */
export async function copyObject(call: SwiftCall, src: ObjectAddress, dst: ObjectAddress): Promise<void> {
  if (Number(call.req.headers['content-length'] ?? 0) > 0) {
    throw new BadRequest('Copy requests require a zero byte body');
  }
  for (const h of ['x-copy-from-account', 'destination-account']) {
    const v = headerValue(call.req.headers, h);
    // One account only: the proxy's (Swift without an ACL for the other account answers 403 too).
    if (v !== undefined && swiftUnquote(v.trim()) !== call.account)
      throw new Forbidden('Access to another account is not allowed.');
  }
  const [srcHolders, dstHolders] = await Promise.all([
    call.locator.require(call.client, src.ref),
    call.locator.require(call.client, dst.ref),
  ]);
  const [srcProvider, dstProvider] = await Promise.all([
    readTarget(call, srcHolders.providers, src.ref.name, src.object),
    writeTarget(call, dstHolders.providers, dst.ref.name, dst.object),
  ]);
  const base = forwardableHeaders(call.req.headers);
  for (const h of ['x-copy-from', 'destination', 'destination-account', 'x-copy-from-account']) delete base[h];
  if (srcProvider === dstProvider) {
    const providerAccount = accountOf(await call.client.baseUrl(dstProvider));
    const headers = rewriteRequestHeaders(base, {
      provider: dstProvider,
      providers: call.client.names,
      proxyAccount: call.account,
      providerAccount,
    });
    headers['x-copy-from'] = `/${containerObjectRef(src.ref.name, src.object)}`;
    headers['content-length'] = '0';
    const up = await call.client.send(dstProvider, {
      method: 'PUT',
      container: dst.ref.name,
      object: dst.object,
      query: call.query,
      headers,
    });
    await relayFrom(call, dstProvider, up);
    return;
  }
  await streamCopy(call, { ...src, provider: srcProvider }, { ...dst, provider: dstProvider }, base);
}

const SOURCE_CONDITIONALS = ['if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since', 'range'];
/** Headers Swift keeps with an object (proxy allowed_headers, user metadata, X-Delete-At). */
const KEPT =
  /^(x-object-meta-|content-encoding$|content-disposition$|content-language$|cache-control$|expires$|x-robots-tag$|x-delete-at$)/;

async function streamCopy(
  call: SwiftCall,
  src: ObjectAddress & { provider: string },
  dst: ObjectAddress & { provider: string },
  requestHeaders: HeaderBag,
): Promise<void> {
  const params = new URLSearchParams(call.query);
  const manifestGet = params.get('multipart-manifest') === 'get';
  const srcHeaders: HeaderBag = { 'x-newest': 'true' };
  for (const h of SOURCE_CONDITIONALS) {
    const v = call.req.headers[h];
    if (typeof v === 'string') srcHeaders[h] = v;
  }
  const source = await call.client.send(src.provider, {
    method: 'GET',
    container: src.ref.name,
    object: src.object,
    query: buildQuery([
      ['multipart-manifest', manifestGet ? 'get' : undefined],
      ['version-id', params.get('version-id') ?? undefined],
      ['symlink', params.get('symlink') ?? undefined],
    ]),
    headers: srcHeaders,
  });
  if (source.status >= 300) {
    await relay(call.res, call.client.ctx, source, await viewOf(call, src.provider), 'GET');
    return;
  }
  const isManifest =
    source.headers['x-static-large-object'] !== undefined || source.headers['x-object-manifest'] !== undefined;
  const length = headerValue(source.headers, 'content-length');
  if (manifestGet && isManifest) {
    source.body.destroy();
    throw new BadRequest('A large-object manifest can only be copied within one provider (its segments stay there).');
  }
  if (length === undefined) {
    source.body.destroy();
    throw new PayloadTooLarge();
  }
  const sink = sinkHeaders(call, source.headers, requestHeaders, source.status === 200 && !isManifest);
  sink['content-length'] = length;
  const dstAccount = accountOf(await call.client.baseUrl(dst.provider));
  const headers = rewriteRequestHeaders(sink, {
    provider: dst.provider,
    providers: call.client.names,
    proxyAccount: call.account,
    providerAccount: dstAccount,
  });
  params.delete('multipart-manifest');
  params.delete('version-id');
  params.delete('symlink');
  const rest = params.toString();
  const put = await call.client.send(dst.provider, {
    method: 'PUT',
    container: dst.ref.name,
    object: dst.object,
    query: rest ? `?${rest}` : '',
    headers,
    body: source.body,
    replayable: false,
  });
  const out = clientHeaders(put.headers, await viewOf(call, dst.provider), call.client.ctx.requestId);
  if (put.status < 300) {
    out['x-copied-from-account'] = call.account;
    out['x-copied-from'] = containerObjectRef(src.raw, src.object);
    const lm = headerValue(source.headers, 'last-modified');
    if (lm) out['x-copied-from-last-modified'] = lm;
  }
  call.client.ctx.provider = dst.provider;
  call.res.status(put.status);
  setHeaders(call.res, out);
  await pipeline(put.body, call.res);
}

/** Swift's copy: source metadata first (unless X-Fresh-Metadata), then the request's own headers on top. */
function sinkHeaders(call: SwiftCall, source: HeaderBag, request: HeaderBag, copyEtag: boolean): HeaderBag {
  const fresh = /^(true|1|yes|on|t|y)$/i.test(headerValue(call.req.headers, 'x-fresh-metadata') ?? '');
  const out: HeaderBag = {};
  if (!fresh) {
    for (const [k, v] of Object.entries(source)) if (KEPT.test(k)) out[k] = v;
  }
  Object.assign(out, request);
  delete out['x-fresh-metadata'];
  if (copyEtag) {
    const etag = headerValue(source, 'etag');
    if (etag) out['etag'] = etag.replace(/^"|"$/g, '');
  }
  if (!headerValue(call.req.headers, 'content-type')) {
    const ct = headerValue(source, 'content-type');
    if (ct) out['content-type'] = ct;
  }
  return out;
}
