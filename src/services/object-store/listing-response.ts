import { mergeSwiftPages } from '../../fanout/merge/swift-merge';
import type { SwiftListingLevel } from '../../fanout/merge/swift-rows';
import { headerValue } from '../../upstream/headers';
import { renderSwiftListing, type RenderedSwiftListing } from './formats';
import type { ProviderPage } from './listing-fetch';
import { parseSwiftListingQuery, type SwiftListingQuery } from './listing-query';
import type { SwiftCall } from './swift-call';

/**
 * The client's listing request read as Swift reads it (listing-query.ts). A refusal (400, 406, 412) is written
 * exactly as Swift writes it and `undefined` returned: the caller has nothing more to do.
 */
export function readListingQuery(call: SwiftCall, level: SwiftListingLevel): SwiftListingQuery | undefined {
  const raw = call.query.startsWith('?') ? call.query.slice(1) : call.query;
  const parsed = parseSwiftListingQuery(raw, headerValue(call.req.headers, 'accept'), level);
  if (parsed.ok) return parsed.query;
  call.res.status(parsed.error.status);
  call.res.setHeader('content-type', parsed.error.contentType);
  call.res.end(parsed.error.body);
  return undefined;
}

/** The merged page (fanout/merge/swift-merge.ts) rendered in the client's format (formats.ts). */
export function mergeAndRender(
  pages: readonly ProviderPage[],
  query: SwiftListingQuery,
  level: SwiftListingLevel,
  listingName: string,
): RenderedSwiftListing {
  const merged = mergeSwiftPages(pages, query.window, level);
  return renderSwiftListing(
    merged.rows.map((r) => r.row),
    query.contentType,
    level,
    listingName,
  );
}
