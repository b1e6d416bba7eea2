import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import type { RequestContext } from '../../http/context';
import type { UpstreamResponse } from '../../upstream/client';
import type { HeaderBag } from '../../upstream/headers';
import { clientHeaders, type AccountView } from './response-headers';

/** Sets headers verbatim: express's res.set() would append a charset to text/* object content types. */
export function setHeaders(res: Response, headers: HeaderBag): void {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
}

/**
 * Writes one provider's answer to the client, body streamed as it comes (objects are never buffered; STYLE.md
 * habit 7). If the client goes away, pipeline() destroys the upstream body, which aborts the provider request.
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
  setHeaders(res, clientHeaders(up.headers, view, ctx.requestId));
  if (method === 'HEAD' || up.status === 204 || up.status === 304) {
    up.body.resume();
    res.end();
    return;
  }
  await pipeline(up.body, res);
}
