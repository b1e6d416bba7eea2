import { ItemNotFound } from '../../errors/errors';
import type { HeaderBag } from '../../upstream/headers';
import { NOT_FOUND, type ContainerRef } from './container-locator';
import { sumHeaders } from './counters';
import { forwardRequest } from './forward-request';
import { fetchPages, type ProviderPage } from './listing-fetch';
import { mergeAndRender, readListingQuery } from './listing-response';
import { answerPartial } from './partial';
import { sendListing } from './send-listing';
import type { SwiftCall } from './swift-call';

/**
 * Container GET. At one provider the request goes there as it is (Swift renders its own listing). A union
 * container's listing merges the holders' pages: objects de-duplicated by name, the highest-priority
 * provider's row winning (DESIGN.md: a read finds the object at the first provider that has it).
 */
export async function listContainer(call: SwiftCall, ref: ContainerRef): Promise<void> {
  const found = await call.locator.require(call.client, ref);
  const holders = found.providers;
  const [only] = holders;
  if (holders.length === 1 && only && found.failed.length === 0) return forwardRequest(call, only, ref.name, undefined);
  const query = readListingQuery(call, 'container');
  if (!query) return;
  const fetched = await fetchPages(call, holders, ref.name, query.window);
  const present = fetched.pages.filter((p) => p.status !== 404);
  if (present.length === 0 && fetched.failed.length === 0) {
    call.locator.removed(call.client, ref.name, holders);
    throw new ItemNotFound(NOT_FOUND);
  }
  // Providers the location lookup could not ask may hold part of the container too.
  answerPartial(call, [...found.failed, ...fetched.failed], present.length);
  const rendered = mergeAndRender(present, query, 'container', ref.name);
  await sendListing(call, present, mergedContainerHeaders(present), rendered, query.varyAccept);
}

/** Object count and bytes summed over the holders; metadata, ACLs and policy from the first (DESIGN.md). */
export function mergedContainerHeaders(pages: readonly ProviderPage[]): HeaderBag {
  const out: HeaderBag = { ...(pages[0]?.headers ?? {}) };
  Object.assign(
    out,
    sumHeaders(
      pages.map((p) => p.headers),
      /^x-container-(object-count|bytes-used)$/,
    ),
  );
  return out;
}
