import type { Request, Response } from 'express';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { rewriteUrl, rewriteUrlsDeep, rewriteUrlsInJsonText, type UrlMapping } from '../catalog/links';
import { hasBody } from '../http/body';
import type { RequestContext } from '../http/context';
import type { UpstreamClient, UpstreamResponse } from '../upstream/client';
import { BadGateway } from '../errors/errors';
import {
  addProxyIdentity,
  clientHeadersForProvider,
  providerHeadersForClient,
  type HeaderBag,
} from '../upstream/headers';

export interface ForwardTarget {
  provider: string;
  service: string;
  url: string;
  /** Token to present upstream (the caller's at home, a provider token elsewhere); none for discovery. */
  token?: string;
  /** Body already read by the proxy (small JSON); otherwise the client's body streams through. */
  body?: Buffer | string;
  /** Provider URL → proxy URL rewriting for headers and JSON bodies. */
  mappings: readonly UrlMapping[];
  /** Extra rewrite of a JSON body (after URL rewriting). */
  rewriteJson?: (doc: unknown) => unknown;
  extraHeaders?: HeaderBag;
}

const JSON_REWRITE_LIMIT = 32 * 1024 * 1024;
const URL_HEADERS = ['location', 'content-location', 'x-storage-url', 'link'];

export function buildUpstreamHeaders(req: Request, ctx: RequestContext, target: ForwardTarget): HeaderBag {
  // One fresh bag, filled in place (it is this call's own): no copy per step.
  const headers = addProxyIdentity(clientHeadersForProvider(req.headers), ctx);
  if (target.token) headers['x-auth-token'] = target.token;
  if (target.body !== undefined) headers['content-length'] = String(Buffer.byteLength(target.body));
  else if (req.headers['content-length']) headers['content-length'] = req.headers['content-length'];
  return target.extraHeaders ? Object.assign(headers, target.extraHeaders) : headers;
}

/** Send the client's request to one provider and return the raw upstream response (not yet written). */
export async function sendUpstream(
  upstream: UpstreamClient,
  req: Request,
  ctx: RequestContext,
  target: ForwardTarget,
): Promise<UpstreamResponse> {
  const withBody = target.body !== undefined || hasBody(req.headers);
  return upstream.send({
    provider: target.provider,
    service: target.service,
    method: req.method,
    url: target.url,
    headers: buildUpstreamHeaders(req, ctx, target),
    body: target.body ?? (withBody ? (req as Readable) : undefined),
    signal: ctx.signal,
  });
}

/**
 * Write an upstream response to the client: headers cleaned and URL-rewritten; JSON bodies (bounded) rewritten so
 * no provider URL leaks; everything else streamed.
 */
export async function relayResponse(
  res: Response,
  ctx: RequestContext,
  up: UpstreamResponse,
  target: Pick<ForwardTarget, 'provider' | 'mappings' | 'rewriteJson'>,
  method: string,
): Promise<void> {
  ctx.provider = target.provider;
  const headers = providerHeadersForClient(up.headers, ctx.requestId);
  for (const h of URL_HEADERS) {
    const v = headers[h];
    if (typeof v === 'string') headers[h] = rewriteUrl(v, target.mappings);
  }
  const www = headers['www-authenticate'];
  if (typeof www === 'string') headers['www-authenticate'] = rewriteAll(www, target.mappings);
  headers['x-ocx-provider'] = target.provider;
  const contentType = String(headers['content-type'] ?? '');
  const noBody = method === 'HEAD' || up.status === 204 || up.status === 304;
  if (!noBody && /json/.test(contentType) && (target.mappings.length > 0 || target.rewriteJson)) {
    const text = await up.text(JSON_REWRITE_LIMIT);
    const out = text.trim() === '' ? text : rewriteJsonText(text, target);
    delete headers['content-length'];
    delete headers['content-encoding'];
    res.status(up.status);
    res.set(headers);
    res.send(out);
    return;
  }
  res.status(up.status);
  res.set(headers);
  if (noBody) {
    up.body.resume();
    res.end();
    return;
  }
  res.flushHeaders();
  await pipeline(up.body, res);
}

export async function forward(
  upstream: UpstreamClient,
  req: Request,
  res: Response,
  ctx: RequestContext,
  target: ForwardTarget,
): Promise<void> {
  const up = await sendUpstream(upstream, req, ctx, target);
  await relayResponse(res, ctx, up, target, req.method);
}

/**
 * A JSON answer the proxy cannot parse is never relayed as it came: it may hold provider URLs and project ids
 * the rewrite would have replaced. Rewrite errors propagate (502) instead of passing the body through. With no
 * `rewriteJson` (the Keystone passthrough) the URLs are rewritten in the text itself once it parsed, so the
 * document is not copied and re-serialised (rewriteUrlsInJsonText); the client gets the same values.
 */
function rewriteJsonText(text: string, target: Pick<ForwardTarget, 'provider' | 'mappings' | 'rewriteJson'>): string {
  let doc: unknown;
  try {
    doc = JSON.parse(text) as unknown;
  } catch (err) {
    throw new BadGateway(target.provider, 'malformed JSON', { cause: err });
  }
  if (!target.rewriteJson) return rewriteUrlsInJsonText(text, target.mappings);
  return JSON.stringify(target.rewriteJson(rewriteUrlsDeep(doc, target.mappings)));
}

function rewriteAll(text: string, mappings: readonly UrlMapping[]): string {
  let out = text;
  for (const m of mappings) out = out.split(m.from).join(m.to);
  return out;
}
