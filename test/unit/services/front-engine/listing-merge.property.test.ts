import { parseListingOrder, type ListingOrder } from '../../../../src/services/front-engine/listing-order';
import type { ListingFamily } from '../../../../src/services/front-engine/listing-spec';
import { mergeWindow, nextCursors, type ProviderPage } from '../../../../src/services/front-engine/merge-window';
import { deepFreeze } from '../../fanout/merge/deep-freeze';
import { Prng } from '../../fanout/merge/prng';

/**
 * Seeded property test of the live merged-listing engine: the client's sort parsed by listing-order.ts, the pages
 * merged by merge-window.ts, paging by per-provider cursors (and, where the providers' order is visible to the
 * proxy, by the marker's sort values as provider-page.ts does) equals one big listing: no duplicates, no gaps.
 */

/** A resource as the API shows it, plus the database's hidden integer id (Nova's `id` sort key and tie-breaker). */
interface Item {
  readonly id: string;
  readonly internal: number;
  readonly [field: string]: unknown;
}

const NAMES = [null, 'alpha', 'Beta', 'beta', 'gamma', '\u00e9t\u00e9', 'zz'];
const SORT_PARAMS: Record<ListingFamily, string[]> = {
  nova: ['', 'sort_key=display_name&sort_dir=asc', 'sort_key=vm_state&sort_key=display_name', 'sort_dir=asc'],
  cinder: ['', 'sort=size:asc,name', 'sort=name:desc', 'sort_key=size&sort_dir=asc'],
  glance: ['', 'sort=size:asc', 'sort_key=name&sort_key=size&sort_dir=asc&sort_dir=asc', 'sort=status,name:asc'],
};

function makeItem(family: ListingFamily, rng: Prng, serial: number): Item {
  // Few distinct timestamps (Nova's are whole seconds) so that ties are common.
  const stamp = `2024-01-0${rng.int(1, 4)}T00:00:0${rng.int(0, 2)}`;
  const id = `${rng.int(0, 0xffff).toString(16)}-${serial}`;
  const name = rng.pick(NAMES);
  if (family === 'nova') {
    return { id, internal: serial, created: `${stamp}Z`, name, 'OS-EXT-STS:vm_state': rng.pick(['active', null]) };
  }
  const size = rng.chance(0.2) ? null : rng.int(1, 4);
  const status = rng.pick(['active', 'queued', 'available']);
  const created_at = family === 'cinder' ? `${stamp}.000000` : `${stamp}Z`;
  return { id, internal: serial, created_at, name, size, status };
}

/** The provider's database order: Nova's `id` is the hidden integer; Cinder's and Glance's is the visible UUID. */
function nativeCompare(family: ListingFamily, order: ListingOrder): (a: Item, b: Item) => number {
  if (family !== 'nova') return order.compare;
  return (a, b) => {
    const withoutId = { ...a, id: '' };
    const c = order.compare(withoutId, { ...b, id: '' });
    const dir = order.keys.find((k) => k.key === 'id')?.dir ?? 'desc';
    return c !== 0 ? c : dir === 'asc' ? a.internal - b.internal : b.internal - a.internal;
  };
}

interface Provider {
  name: string;
  items: readonly Item[];
  /** The provider's max_limit: its pages may be shorter than the client's limit (it then says there is more). */
  cap: number;
}

function page(p: Provider, start: number, limit: number | undefined): ProviderPage<Item> {
  const size = Math.min(limit ?? 1000, p.cap);
  const items = p.items.slice(start, start + size);
  return { provider: p.name, items, more: start + size < p.items.length };
}

/** Pages through the merged listing; `byMarker` forgets the cursors and starts providers after the marker's values. */
function walk(providers: Provider[], order: ListingOrder, limit: number, byMarker: boolean): string[] {
  let cursors: Record<string, string | null> = Object.fromEntries(providers.map((p) => [p.name, null]));
  let marker: Item | undefined;
  const out: string[] = [];
  for (let guard = 0; guard < 500; guard++) {
    const pages = providers.map((p) => {
      let start = 0;
      if (byMarker && marker) {
        const m = marker;
        const own = p.items.indexOf(m);
        start = own >= 0 ? own + 1 : p.items.findIndex((i) => order.compare(i, m) > 0);
        if (start < 0) start = p.items.length;
      } else if (cursors[p.name] !== null) {
        start = p.items.findIndex((i) => i.id === cursors[p.name]) + 1;
      }
      return page(p, start, limit);
    });
    const w = mergeWindow(deepFreeze(pages), order.compare, limit);
    expect(w.items.length).toBeLessThanOrEqual(limit);
    out.push(...w.items.map((i) => i.item.id));
    if (!w.more) return out;
    cursors = nextCursors(cursors, w.items, (i) => i.id);
    marker = w.items[w.items.length - 1]?.item;
  }
  throw new Error('paging did not end');
}

function trial(seed: number): void {
  const rng = new Prng(seed);
  const family = rng.pick(['nova', 'cinder', 'glance'] as const);
  const order = parseListingOrder(family, new URLSearchParams(rng.pick(SORT_PARAMS[family])));
  let serial = 0;
  const providers: Provider[] = Array.from({ length: rng.int(1, 4) }, (_, rank) => ({
    name: `p${rank}`,
    cap: rng.int(1, 8),
    items: Array.from({ length: rng.int(0, 15) }, () => makeItem(family, rng, (serial += 1))).sort(
      nativeCompare(family, order),
    ),
  }));
  deepFreeze(providers);
  const everything = providers.map((p) => ({ provider: p.name, items: p.items, more: false }));
  const big = mergeWindow(everything, order.compare).items.map((i) => i.item.id);
  expect([...big].sort()).toEqual(providers.flatMap((p) => p.items.map((i) => i.id)).sort());
  const limit = rng.int(1, 6);
  expect(walk(providers, order, limit, false)).toEqual(big);
  if (family !== 'nova') {
    // The providers order as the proxy compares: the big listing is sorted, and a marker alone finds the place.
    const all = providers.flatMap((p) => p.items);
    expect(big).toEqual([...all].sort(order.compare).map((i) => i.id));
    expect(walk(providers, order, limit, true)).toEqual(big);
  }
}

describe('merged paging equals one big listing (seeded property test of listing-order.ts and merge-window.ts)', () => {
  const seeds = Array.from({ length: 400 }, (_, i) => 5000 + i);
  it.each(seeds)('seed %i', (seed) => trial(seed));
});
