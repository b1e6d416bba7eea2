import { isLastOfSource, mergeGroups } from '../../fanout/merge/k-way-merge';

/**
 * One page of a merged listing from the providers' own pages (docs/contract.md "Merged listings"). Pure.
 *
 * A k-way merge: each provider's items keep the provider's own order (a provider breaks ties on values the proxy
 * never sees, e.g. Nova's internal integer id for servers created within the same second), and only the heads
 * are compared across providers. When the page of a provider that has more items (`more`) runs out, the merge
 * stops: that provider's next item is unknown and could belong before any other head. The merge is a
 * deterministic greedy walk, so resuming it from each provider's position (nextCursors) continues exactly the
 * sequence one big listing would give: no duplicates, no gaps.
 */
export interface ProviderPage<T> {
  provider: string;
  items: readonly T[];
  /** The provider may have further items after this page. */
  more: boolean;
}

export interface MergedItem<T> {
  provider: string;
  item: T;
}

export interface MergedWindow<T> {
  items: MergedItem<T>[];
  /** True when the merged listing may continue after `items` (a next link is due). */
  more: boolean;
}

export function mergeWindow<T>(
  pages: readonly ProviderPage<T>[],
  compare: (a: T, b: T) => number,
  limit?: number,
): MergedWindow<T> {
  const sources = pages.map((p) => p.items);
  const items: MergedItem<T>[] = [];
  let taken = 0;
  // A provider with more items and an empty page blocks everything: its first item is unknown.
  let blocked = pages.some((p) => p.more && p.items.length === 0);
  if (!blocked) {
    for (const group of mergeGroups(sources, (a, b) => compare(a.item, b.item))) {
      for (const head of group) {
        if (limit !== undefined && items.length >= limit) break;
        items.push({ provider: (pages[head.source] as ProviderPage<T>).provider, item: head.item });
        taken++;
        if (isLastOfSource(head, sources) && pages[head.source]?.more) blocked = true;
      }
      if (blocked || (limit !== undefined && items.length >= limit)) break;
    }
  }
  const total = sources.reduce((n, s) => n + s.length, 0);
  const remaining = taken < total || pages.some((p) => p.more);
  const more = items.length > 0 && (remaining || (limit !== undefined && items.length === limit));
  return { items, more };
}

/**
 * Where each provider stands after a page: the id of the last item taken from it, else where it stood before
 * (`null` = its start). The next page asks each provider from there, so paging never skips nor repeats.
 */
export function nextCursors<T>(
  before: Readonly<Record<string, string | null>>,
  taken: readonly MergedItem<T>[],
  idOf: (item: T) => string,
): Record<string, string | null> {
  const out: Record<string, string | null> = { ...before };
  for (const t of taken) out[t.provider] = idOf(t.item);
  return out;
}
