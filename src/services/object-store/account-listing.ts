import { mergedAccountHeaders } from './account-headers';
import { fetchPages } from './listing-fetch';
import { mergeAndRender, readListingQuery } from './listing-response';
import { answerPartial } from './partial';
import { sendListing } from './send-listing';
import type { SwiftCall } from './swift-call';

/**
 * Account GET: every provider's containers in one listing (docs/contract.md "Swift"), each provider asked for the
 * client's window in parallel and the pages k-way merged; same-name containers are one row.
 */
export async function listAccount(call: SwiftCall): Promise<void> {
  const query = readListingQuery(call, 'account');
  if (!query) return;
  const fetched = await fetchPages(call, call.client.names, undefined, query.window);
  answerPartial(call, fetched.failed, fetched.pages.length);
  const rendered = mergeAndRender(fetched.pages, query, 'account', call.account);
  await sendListing(call, fetched.pages, mergedAccountHeaders(fetched.pages), rendered, query.varyAccept);
}
