import { ProviderUnavailable } from '../../errors/errors';
import { fanOut, type ProviderFailure } from '../../fanout/fan-out';
import type { HeaderBag } from '../../upstream/headers';
import type { SwiftCall } from './swift-call';
import { buildQuery } from './upstream-url';

/** One listing row as a provider's Swift returned it in JSON (`name` or `subdir`, plus counters). */
export type ListingRow = Record<string, unknown>;

/** The window every provider is asked for: the client's, with `limit` resolved (DESIGN.md "Merged listings"). */
export interface ListingWindow {
  marker?: string;
  endMarker?: string;
  prefix?: string;
  delimiter?: string;
  reverse: boolean;
  limit: number;
}

export interface ProviderPage {
  provider: string;
  status: number;
  headers: HeaderBag;
  rows: ListingRow[];
}

export interface FetchedPages {
  /** In priority order: on equal names the first page's row wins. */
  pages: ProviderPage[];
  failed: ProviderFailure[];
}

/** Upstream query for a window; always JSON, whatever the client asked for (the proxy renders the format). */
export function windowQuery(w: ListingWindow): string {
  return buildQuery([
    ['format', 'json'],
    ['limit', String(w.limit)],
    ['marker', w.marker],
    ['end_marker', w.endMarker],
    ['prefix', w.prefix],
    ['delimiter', w.delimiter],
    ['reverse', w.reverse ? 'true' : undefined],
  ]);
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
  window: ListingWindow,
): Promise<FetchedPages> {
  const query = windowQuery(window);
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
      if (res.status === 204 || res.status === 404) {
        res.body.resume();
        return { provider, status: res.status, headers: res.headers, rows: [] };
      }
      if (res.status !== 200) {
        res.body.resume();
        throw new ProviderUnavailable(provider, `answered HTTP ${res.status}`);
      }
      const rows = await res.json<unknown>();
      if (!Array.isArray(rows)) throw new ProviderUnavailable(provider, 'answered a listing that is not a JSON list');
      return { provider, status: res.status, headers: res.headers, rows: rows as ListingRow[] };
    },
    { signal: call.client.ctx.signal, deadline: call.client.ctx.deadline },
  );
  return { pages: result.ok.map((r) => r.value), failed: result.failed };
}
