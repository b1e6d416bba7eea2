import { ProviderUnavailable } from '../../errors/errors';
import { fanOut, type ProviderFailure } from '../../fanout/fan-out';
import { withoutUnmapped } from '../../identity/k2k/errors';
import { parseSwiftListing, type SwiftListingLevel, type SwiftRow } from '../../fanout/merge/swift-rows';
import { isSwiftPageComplete, swiftProviderQuery, type SwiftWindow } from '../../fanout/merge/swift-window';
import type { HeaderBag } from '../../upstream/headers';
import { viewOf, type SwiftCall } from './swift-call';
import { clientRow } from './listing-paths';
import { throwRefusal } from './swift-errors';
import { buildQuery } from './upstream-url';

export interface ProviderPage {
  provider: string;
  /** Configured priority: on equal object names the lower number wins. */
  priority: number;
  status: number;
  headers: HeaderBag;
  rows: SwiftRow[];
  /** The provider has nothing more in the window (its page is shorter than the limit). */
  complete: boolean;
}

export interface FetchedPages {
  /** In priority order. */
  pages: ProviderPage[];
  failed: ProviderFailure[];
}

/**
 * Asks every provider for the same window in parallel. Each sorted page of `limit` rows holds everything of that
 * provider up to its last row, so the first `limit` rows of the k-way merge are exact: one round, never a
 * whole listing. A container a provider no longer has (404) is an empty page; any other failure leaves the
 * provider out (the caller reports it in X-OCX-Partial).
 */
export async function fetchPages(
  call: SwiftCall,
  providers: readonly string[],
  container: string | undefined,
  window: SwiftWindow,
): Promise<FetchedPages> {
  const query = buildQuery(swiftProviderQuery(window));
  const level: SwiftListingLevel = container === undefined ? 'account' : 'container';
  const result = await fanOut(
    providers,
    async (provider, signal): Promise<ProviderPage> => {
      const res = await call.client.send(provider, {
        method: 'GET',
        container,
        query,
        headers: { accept: 'application/json' },
        signal,
      });
      const priority = call.client.provider(provider).priority;
      if (res.status === 204 || res.status === 404) {
        res.body.resume();
        return { provider, priority, status: res.status, headers: res.headers, rows: [], complete: true };
      }
      if (res.status !== 200) {
        res.body.resume();
        const refused = call.client.refusal(provider, res.status);
        if (refused) throw refused;
        throw new ProviderUnavailable(provider, `answered HTTP ${res.status}`);
      }
      const parsed = parseSwiftListing(await res.json<unknown>(), level);
      if (!parsed) throw new ProviderUnavailable(provider, 'answered something that is not a Swift listing');
      const view = await viewOf(call, provider);
      const rows = parsed.map((r) => clientRow(r, view));
      const complete = isSwiftPageComplete(rows.length, window.limit);
      return { provider, priority, status: res.status, headers: res.headers, rows, complete };
    },
    { signal: call.client.ctx.signal, deadline: call.client.ctx.deadline },
  );
  throwRefusal(result.failed);
  // No project at a provider: it has no account for the caller, so nothing is missing from the listing.
  return { pages: result.ok.map((r) => r.value), failed: withoutUnmapped(result.failed) };
}
