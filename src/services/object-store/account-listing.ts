import { headerValue } from '../../upstream/headers';
import { mergedAccountHeaders } from './account-headers';
import { fetchPages } from './listing-fetch';
import { mergePages, parseListingRequest, renderRows } from './listing-adapter';
import { answerPartial } from './partial';
import { sendListing } from './send-listing';
import type { SwiftCall } from './swift-call';

/**
 * Account GET: every provider's containers in one listing (DESIGN.md "Swift"), each provider asked for the
 * client's window in parallel and the pages k-way merged; same-name containers are one row.
 */
export async function listAccount(call: SwiftCall): Promise<void> {
  const listing = parseListingRequest(call.query, headerValue(call.req.headers, 'accept'));
  const fetched = await fetchPages(call, call.client.names, undefined, listing.window);
  answerPartial(call, fetched.failed, fetched.pages.length);
  const rows = mergePages(fetched.pages, listing.window, 'account');
  const rendered = renderRows(rows, listing.format, { kind: 'account', name: call.account });
  await sendListing(call, fetched.pages, mergedAccountHeaders(fetched.pages), rendered);
}
