import type { HeaderBag } from '../../upstream/headers';
import { sumHeaders } from './counters';
import type { ProviderPage } from './listing-fetch';

/** Counters Swift reports for the whole account, per-policy variants included. */
const ACCOUNT_COUNTERS =
  /^x-account-(container-count|object-count|bytes-used|storage-policy-.+-(container-count|object-count|bytes-used))$/;

/** Response headers that describe one provider's response, not the merged one. */
const PER_RESPONSE = ['content-length', 'content-type', 'etag', 'date', 'vary', 'content-encoding'];

/**
 * Headers of the merged account (docs/contract.md: "HEAD sums container, object and byte counts"). Objects and bytes
 * are summed. Containers are counted by name: same-name containers at several providers are one merged
 * container, so the sum is reduced by the duplicates seen in the rows fetched (exact whenever the rows cover
 * every provider's containers; otherwise an upper bound). Metadata and timestamps come from the first page
 * (home, when it answered). Pure.
 */
export function mergedAccountHeaders(pages: readonly ProviderPage[]): HeaderBag {
  const first = pages[0];
  const out: HeaderBag = {};
  if (first) {
    for (const [k, v] of Object.entries(first.headers)) {
      if (!PER_RESPONSE.includes(k.toLowerCase())) out[k.toLowerCase()] = v;
    }
  }
  Object.assign(
    out,
    sumHeaders(
      pages.map((p) => p.headers),
      ACCOUNT_COUNTERS,
    ),
  );
  const total = BigInt(String(out['x-account-container-count'] ?? '0'));
  out['x-account-container-count'] = (total - BigInt(duplicateNames(pages))).toString();
  return out;
}

/** How many rows name a container already named by an earlier page. */
export function duplicateNames(pages: readonly ProviderPage[]): number {
  const seen = new Set<string>();
  let dupes = 0;
  for (const p of pages) {
    for (const row of p.rows) {
      const name = (row as { name?: unknown }).name;
      if (typeof name !== 'string') continue;
      if (seen.has(name)) dupes += 1;
      else seen.add(name);
    }
  }
  return dupes;
}
