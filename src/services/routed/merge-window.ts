/**
 * One page of a merged listing from the providers' own pages (DESIGN.md "Merged listings"). Pure.
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
  const pos = pages.map(() => 0);
  const items: MergedItem<T>[] = [];
  while (limit === undefined || items.length < limit) {
    const next = pickHead(pages, pos, compare);
    if (next === undefined) break;
    const page = pages[next] as ProviderPage<T>;
    items.push({ provider: page.provider, item: page.items[pos[next] as number] as T });
    pos[next] = (pos[next] as number) + 1;
  }
  const remaining = pages.some((p, i) => p.more || (pos[i] as number) < p.items.length);
  const more = items.length > 0 && (remaining || (limit !== undefined && items.length === limit));
  return { items, more };
}

/** The page whose head comes first (ties: provider priority); undefined when done or blocked. */
function pickHead<T>(pages: readonly ProviderPage<T>[], pos: number[], compare: (a: T, b: T) => number): number | undefined {
  let best: number | undefined;
  for (let i = 0; i < pages.length; i++) {
    const p = pages[i] as ProviderPage<T>;
    const head = p.items[pos[i] as number];
    if (head === undefined) {
      if (p.more) return undefined;
      continue;
    }
    if (best === undefined || compare(head, (pages[best] as ProviderPage<T>).items[pos[best] as number] as T) < 0) best = i;
  }
  return best;
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
