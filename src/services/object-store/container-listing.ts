import { ItemNotFound } from '../../errors/errors';
import type { HeaderBag } from '../../upstream/headers';
import { NOT_FOUND, type ContainerRef } from './container-locator';
import { sumHeaders } from './counters';
import { BadGateway } from '../../errors/errors';
import { parseSwiftListing } from '../../fanout/merge/swift-rows';
import { headerValue } from '../../upstream/headers';
import { pyJsonDumps } from './formats';
import { forwardRequest, requestOp } from './forward-request';
import { clientRow, rowsNeedRewrite } from './listing-paths';
import { setHeaders } from './relay';
import { aclsFor, clientHeaders } from './response-headers';
import { fetchPages, type ProviderPage } from './listing-fetch';
import { mergeAndRender, readListingQuery } from './listing-response';
import { answerPartial } from './partial';
import { sendListing } from './send-listing';
import { relayFrom, viewOf, type SwiftCall } from './swift-call';

/**
 * Container GET. At one provider the request goes there as it is (Swift renders its own listing). A union
 * container's listing merges the holders' pages: objects de-duplicated by name, the highest-priority
 * provider's row winning (docs/contract.md: a read finds the object at the first provider that has it).
 */
export async function listContainer(call: SwiftCall, ref: ContainerRef): Promise<void> {
  const found = await call.locator.require(call.client, ref);
  const holders = found.providers;
  const [only] = holders;
  if (holders.length === 1 && only && found.failed.length === 0) return listAtOne(call, only, ref.name);
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

/** Object count and bytes summed over the holders; metadata, ACLs and policy from the first (docs/contract.md). */
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

/**
 * A container at one provider: its own listing, relayed as it is, except that a JSON listing whose rows carry the
 * provider's account path (symlink_path) is rewritten to the client's (listing-paths.ts). A listing is at most one
 * page (Swift's container_listing_limit), so reading it whole is bounded.
 */
async function listAtOne(call: SwiftCall, provider: string, container: string): Promise<void> {
  const view = await viewOf(call, provider);
  if (call.req.method !== 'GET' || !rowsNeedRewrite(view)) return forwardRequest(call, provider, container);
  const op = await requestOp(call, provider, container);
  const up = await call.client.send(provider, op);
  const type = headerValue(up.headers, 'content-type') ?? '';
  if (up.status !== 200 || !type.startsWith('application/json')) return relayFrom(call, provider, up);
  const rows = parseSwiftListing(await up.json<unknown>(LISTING_BYTES), 'container');
  if (!rows) throw new BadGateway(provider, 'a container listing that is not a Swift listing');
  const body = Buffer.from(pyJsonDumps(rows.map((r) => clientRow(r, view))), 'utf8');
  const headers = clientHeaders(up.headers, view, call.client.ctx.requestId, await aclsFor(up.headers, view));
  delete headers['content-length'];
  delete headers['etag'];
  call.client.ctx.provider = provider;
  call.res.status(200);
  setHeaders(call.res, headers);
  call.res.setHeader('content-length', String(body.length));
  call.res.end(body);
}

/** A generous bound for one listing page (10,000 rows of long names and metadata). */
const LISTING_BYTES = 64 * 1024 * 1024;
