import { isLastOfSource, mergeGroups, type MergeHead } from './k-way-merge';
import { compareUtf8 } from './swift-order';
import {
  isContainerRow,
  isSubdirRow,
  swiftRowKey,
  type SwiftContainerRow,
  type SwiftListingLevel,
  type SwiftRow,
} from './swift-rows';
import type { SwiftWindow } from './swift-window';

/** What one provider answered for the shared window (one page, sorted as Swift sorts it). */
export interface SwiftProviderPage {
  readonly provider: string;
  /** Configured priority: the lower number wins when several providers hold the same object name. */
  readonly priority: number;
  readonly rows: readonly SwiftRow[];
  /** True when the provider has nothing more in the window (see isSwiftPageComplete). */
  readonly complete: boolean;
}

export interface MergedSwiftRow {
  readonly row: SwiftRow;
  /** Every provider that listed this name, by priority; the first one's row (or fields) is the one shown. */
  readonly providers: readonly string[];
}

export interface MergedSwiftPage {
  readonly rows: MergedSwiftRow[];
  /** True when the union may hold more rows after the last one (the page is full, or a provider was cut short). */
  readonly truncated: boolean;
}

/**
 * The page one big listing of the union would give, from one page per provider asked with the same window
 * (docs/contract.md "Swift: one account over many clusters"). Every provider's page holds all of its rows up to its last
 * one, so a k-way merge in Swift's byte order is exact up to `window.limit` rows, and up to the point where a page
 * that is not complete runs out. Same-name rows become one row: in account listings the containers are summed
 * (count, bytes; newest last_modified; the other fields from the first provider); in container listings the
 * highest-priority provider's object row is shown; equal subdirs are one subdir. Inputs are not modified.
 */
export function mergeSwiftPages(
  pages: readonly SwiftProviderPage[],
  window: SwiftWindow,
  level: SwiftListingLevel,
): MergedSwiftPage {
  const ordered = [...pages].sort((a, b) => a.priority - b.priority);
  const sources = ordered.map((p) => p.rows);
  const direction = window.reverse ? -1 : 1;
  const compare = (a: MergeHead<SwiftRow>, b: MergeHead<SwiftRow>): number =>
    direction * compareUtf8(swiftRowKey(a.item), swiftRowKey(b.item));
  const rows: MergedSwiftRow[] = [];
  const consumed = ordered.map(() => 0);
  let cutShort = ordered.some((p) => !p.complete && p.rows.length === 0);
  if (!cutShort && window.limit > 0) {
    for (const group of mergeGroups(sources, compare)) {
      const providers = group.map((h) => ordered[h.source]?.provider ?? '');
      const items = group.map((h) => h.item);
      rows.push({ row: level === 'account' ? combineContainers(items) : firstRow(items), providers });
      for (const h of group) consumed[h.source] = h.index + 1;
      cutShort = group.some((h) => isLastOfSource(h, sources) && !ordered[h.source]?.complete);
      if (cutShort || rows.length >= window.limit) break;
    }
  }
  const leftOver = ordered.some((p, i) => !p.complete || (consumed[i] ?? 0) < p.rows.length);
  return { rows, truncated: cutShort || (rows.length >= window.limit && leftOver) };
}

function firstRow(items: readonly SwiftRow[]): SwiftRow {
  return items[0] as SwiftRow;
}

/** Same-name containers of several clusters: one container whose counters are the sums (a new object). */
function combineContainers(items: readonly SwiftRow[]): SwiftRow {
  const first = items[0] as SwiftRow;
  if (items.length === 1 || isSubdirRow(first) || !items.every(isContainerRow)) return first;
  const containers = items as readonly SwiftContainerRow[];
  let count = 0;
  let bytes = 0;
  let lastModified = '';
  for (const c of containers) {
    count += c.count;
    bytes += c.bytes;
    // Swift's isoformat timestamps have a fixed width, so string order is time order.
    if (c.last_modified > lastModified) lastModified = c.last_modified;
  }
  return { ...first, count, bytes, last_modified: lastModified };
}
