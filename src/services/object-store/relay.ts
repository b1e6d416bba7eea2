import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import type { RequestContext } from '../../http/context';
import type { UpstreamResponse } from '../../upstream/client';
import type { HeaderBag } from '../../upstream/headers';
import { aclsFor, clientHeaders, type AccountView } from './response-headers';
import { pyQuote } from './swift-path';
import { accountOf } from './upstream-url';

/**
 * Sets headers verbatim (express's res.set() would append a charset to text/* object content types), named as
 * Swift names them on the wire: swob title-cases every header name (`X-Object-Meta-Color`), and clients that
 * read them case-sensitively expect that.
 */
export function setHeaders(res: Response, headers: HeaderBag): void {
  for (const [k, v] of Object.entries(headers)) res.setHeader(titleCase(k), v);
}

/** Python's str.title() for an ASCII header name: a letter after a non-letter upper-cased, the others lowered. */
export function titleCase(name: string): string {
  // Every response carries the same few names: remember them (bounded: metadata names are the caller's choice).
  const known = titled.get(name);
  if (known !== undefined) return known;
  const out = name
    .toLowerCase()
    .replace(/(^|[^a-z])([a-z])/g, (_m, before: string, c: string) => before + c.toUpperCase());
  if (titled.size >= TITLED_MAX) titled.clear();
  titled.set(name, out);
  return out;
}
const TITLED_MAX = 1_000;
const titled = new Map<string, string>();

/**
 * Writes one provider's answer to the client, body streamed as it comes (objects are never buffered). If the client goes away, pipeline() destroys the upstream body, which aborts the provider request.
 */
export async function relay(
  res: Response,
  ctx: RequestContext,
  up: UpstreamResponse,
  view: AccountView,
  method: string,
): Promise<void> {
  ctx.provider = view.provider;
  res.status(up.status);
  const headers = clientHeaders(up.headers, view, ctx.requestId, await aclsFor(up.headers, view));
  // Swift always challenges with its own realm; the provider's may have been dropped (response-headers.ts).
  if (up.status === 401 && headers['www-authenticate'] === undefined) {
    headers['www-authenticate'] = `Swift realm="${pyQuote(accountOf(view.proxyBase))}"`;
  }
  if (view.quietRefusals && (up.status === 401 || up.status === 403)) delete headers['x-ocx-provider'];
  setHeaders(res, headers);
  if (method === 'HEAD' || up.status === 204 || up.status === 304) {
    up.body.resume();
    res.end();
    return;
  }
  await pipeline(up.body, res);
}
