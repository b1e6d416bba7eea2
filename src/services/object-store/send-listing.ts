import type { HeaderBag } from '../../upstream/headers';
import type { ProviderPage } from './listing-fetch';
import type { RenderedSwiftListing } from './formats';
import { setHeaders } from './relay';
import { clientHeaders } from './response-headers';
import { viewOf, type SwiftCall } from './swift-call';

/** Headers of one provider's listing response that describe that response, not the merged one. */
const PER_RESPONSE = ['content-length', 'content-type', 'etag', 'content-encoding', 'date', 'vary'];

/**
 * Writes a merged listing: the merged headers (made safe: provider URLs and accounts replaced), the body in
 * the client's format, `X-OCX-Provider` naming every provider that contributed.
 */
export async function sendListing(
  call: SwiftCall,
  pages: readonly ProviderPage[],
  merged: HeaderBag,
  rendered: RenderedSwiftListing,
  varyAccept: boolean,
): Promise<void> {
  const first = pages[0];
  const headers = first
    ? clientHeaders(merged, await viewOf(call, first.provider), call.client.ctx.requestId)
    : { ...merged };
  for (const h of PER_RESPONSE) delete headers[h];
  headers['x-ocx-provider'] = pages.map((p) => p.provider).join(',');
  headers['content-type'] = rendered.contentType;
  // The body depends on Accept unless ?format= chose it (listing_formats.py).
  if (varyAccept) headers['vary'] = 'Accept';
  if (first) call.client.ctx.provider = first.provider;
  call.res.status(rendered.status);
  setHeaders(call.res, headers);
  if (call.req.method === 'HEAD' || rendered.status === 204) {
    call.res.end();
    return;
  }
  call.res.setHeader('content-length', String(rendered.body.length));
  call.res.end(rendered.body);
}
