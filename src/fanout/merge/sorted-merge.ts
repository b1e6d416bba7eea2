import { isLastOfSource, mergeGroups, type MergeHead } from './k-way-merge';
import { compareBySpec } from './sort-compare';
import type { SortSpec } from './sort-spec';

/** One provider's page of a Nova/Cinder/Glance listing, in the provider's own order for the spec. */
export interface SortedProviderPage<T> {
  readonly provider: string;
  readonly items: readonly T[];
  /** True when the provider has nothing after these items (no `next` link / `*_links`). */
  readonly exhausted: boolean;
}

export interface SortedMergeResult<T> {
  readonly items: Array<{ readonly provider: string; readonly item: T }>;
  /** True when more items may follow the last one: the proxy then gives a next link with marker = its id. */
  readonly more: boolean;
}

/**
 * Merges provider pages (given in provider priority order, which is also the tie-break) into the first `limit`
 * items of one big listing ordered by `spec` (DESIGN.md "Merged listings"). A provider's own order is kept as it
 * came (its database breaks ties by values the API may not show); across providers the visible sort values
 * decide, then the page order. The merge stops early where a page that is not exhausted runs out, because that
 * provider's next items could sort before anything still waiting (a page with no items has nothing to wait for).
 * Items are returned by identity, not copied; `more` is never true for an empty result (there is no id to link).
 */
export function mergeSorted<T>(
  pages: ReadonlyArray<SortedProviderPage<T>>,
  spec: SortSpec,
  limit: number,
): SortedMergeResult<T> {
  const sources = pages.map((p) => p.items);
  const compare = (a: MergeHead<T>, b: MergeHead<T>): number =>
    compareBySpec(a.item, b.item, spec) || a.source - b.source;
  const items: Array<{ provider: string; item: T }> = [];
  const consumed = pages.map(() => 0);
  let cutShort = false;
  if (limit > 0) {
    for (const group of mergeGroups(sources, compare)) {
      for (const head of group) {
        items.push({ provider: pages[head.source]?.provider ?? '', item: head.item });
        consumed[head.source] = head.index + 1;
        if (isLastOfSource(head, sources) && !pages[head.source]?.exhausted) cutShort = true;
      }
      if (cutShort || items.length >= limit) break;
    }
  }
  const leftOver = pages.some((p, i) => !p.exhausted || (consumed[i] ?? 0) < p.items.length);
  return { items, more: items.length > 0 && (cutShort || (items.length >= limit && leftOver)) };
}
