import { mergedAccountHeaders } from './account-headers';
import { fetchPages } from './listing-fetch';
import { answerPartial } from './partial';
import { setHeaders } from './relay';
import { clientHeaders } from './response-headers';
import { viewOf, type SwiftCall } from './swift-call';

/**
 * Names fetched per provider to count same-name containers once. Accounts with more containers at one provider
 * get the plain sum reduced by the duplicates among these (see account-headers.ts).
 */
const NAMES_FOR_HEAD = 1000;

/** Account HEAD: the counters of every reachable provider, merged; 204 like Swift. */
export async function accountStats(call: SwiftCall): Promise<void> {
  const fetched = await fetchPages(call, call.client.names, undefined, {
    marker: '',
    endMarker: '',
    prefix: '',
    delimiter: '',
    reverse: false,
    limit: NAMES_FOR_HEAD,
  });
  answerPartial(call, fetched.failed, fetched.pages.length);
  const merged = mergedAccountHeaders(fetched.pages);
  const first = fetched.pages[0];
  const headers = first ? clientHeaders(merged, await viewOf(call, first.provider), call.client.ctx.requestId) : merged;
  headers['x-ocx-provider'] = fetched.pages.map((p) => p.provider).join(',');
  headers['content-type'] = 'text/plain; charset=utf-8';
  headers['content-length'] = '0';
  if (!new URLSearchParams(call.query).has('format')) headers['vary'] = 'Accept';
  call.res.status(204);
  setHeaders(call.res, headers);
  call.res.end();
}
