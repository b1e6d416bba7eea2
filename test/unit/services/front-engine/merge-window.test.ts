import { mergeWindow, nextCursors, type ProviderPage } from '../../../../src/services/front-engine/merge-window';
import { deepFreeze } from './deep-freeze';

type It = { id: string; t: number };
const byTimeDesc = (a: It, b: It): number => b.t - a.t || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

/** A provider as Cinder/Nova pages: its own order, `limit` items after `marker`, `more` when the page is full. */
class FakeProvider {
  constructor(
    readonly name: string,
    readonly items: It[],
  ) {}

  page(marker: string | null, limit: number | undefined): ProviderPage<It> {
    const start = marker === null ? 0 : this.items.findIndex((i) => i.id === marker) + 1;
    const take = limit === undefined ? 1000 : limit;
    const items = this.items.slice(start, start + take);
    return { provider: this.name, items, more: items.length === take && take > 0 };
  }
}

/** The proxy's paging loop: merge one window, remember cursors, follow the next marker. */
function walk(providers: FakeProvider[], limit: number | undefined): string[] {
  let cursors: Record<string, string | null> = Object.fromEntries(providers.map((p) => [p.name, null]));
  const out: string[] = [];
  for (let n = 0; n < 1000; n++) {
    const pages = providers.map((p) => p.page(cursors[p.name] ?? null, limit));
    const w = mergeWindow(deepFreeze(pages), byTimeDesc, limit);
    out.push(...w.items.map((i) => i.item.id));
    if (!w.more) return out;
    const before = Object.fromEntries(pages.map((p) => [p.provider, cursors[p.provider] ?? null]));
    cursors = nextCursors(before, w.items, (i) => i.id);
  }
  throw new Error('no end');
}

function dataset(seed: number, sizes: number[], distinctTimes: number): FakeProvider[] {
  const rand = rng(seed);
  return sizes.map((n, p) => {
    const items = Array.from({ length: n }, (_, i) => ({
      id: `${p}-${String(i).padStart(3, '0')}`,
      t: Math.floor(rand() * distinctTimes),
    }));
    return new FakeProvider(`p${p}`, items.sort(byTimeDesc));
  });
}

describe('mergeWindow', () => {
  it('merges heads, keeps priority on ties, stops where a truncated page ends', () => {
    const a: ProviderPage<It> = {
      provider: 'a',
      items: [
        { id: 'a1', t: 9 },
        { id: 'a2', t: 5 },
      ],
      more: true,
    };
    const b: ProviderPage<It> = {
      provider: 'b',
      items: [
        { id: 'b1', t: 7 },
        { id: 'b2', t: 1 },
      ],
      more: false,
    };
    const w = mergeWindow(deepFreeze([a, b]), byTimeDesc);
    // b2 (t=1) may not be returned: a's next item (unknown) could come before it.
    expect(w.items.map((i) => i.item.id)).toEqual(['a1', 'b1', 'a2']);
    expect(w.more).toBe(true);
  });

  it('with a limit, takes the first items and says more', () => {
    const a: ProviderPage<It> = { provider: 'a', items: [{ id: 'a1', t: 3 }], more: false };
    const b: ProviderPage<It> = {
      provider: 'b',
      items: [
        { id: 'b1', t: 2 },
        { id: 'b2', t: 1 },
      ],
      more: false,
    };
    expect(mergeWindow([a, b], byTimeDesc, 2)).toEqual({
      items: [
        { provider: 'a', item: { id: 'a1', t: 3 } },
        { provider: 'b', item: { id: 'b1', t: 2 } },
      ],
      more: true,
    });
    expect(mergeWindow([a, b], byTimeDesc, 5).more).toBe(false);
    expect(mergeWindow([a, b], byTimeDesc, 0)).toEqual({ items: [], more: false });
  });

  it("keeps each provider's own order even where the comparator would not (ties it cannot see)", () => {
    // The provider ordered x before y on a value the proxy never sees (same created second, internal id).
    const p: ProviderPage<It> = {
      provider: 'p',
      items: [
        { id: 'x', t: 5 },
        { id: 'y', t: 5 },
      ],
      more: false,
    };
    const w = mergeWindow([p], (a, b) => (a.id < b.id ? 1 : -1));
    expect(w.items.map((i) => i.item.id)).toEqual(['x', 'y']);
  });

  it('cursors: the last item taken from each provider, else where it stood', () => {
    const taken = [{ provider: 'a', item: { id: 'a3', t: 0 } }];
    expect(nextCursors(deepFreeze({ a: 'a2', b: 'b7', c: null }), taken, (i) => i.id)).toEqual({
      a: 'a3',
      b: 'b7',
      c: null,
    });
  });

  // Property: paging with any limit yields exactly the one big listing (docs/contract.md "Merged listings").
  it.each([1, 2, 3, 5, 8, 13, 40])('paging = one big listing (limit %i, 30 random data sets)', (limit) => {
    for (let seed = 1; seed <= 30; seed++) {
      const providers = dataset(seed, [Math.floor(seed * 1.7) % 23, (seed * 5) % 17, seed % 4 === 0 ? 0 : 9], 6);
      const big = walk(providers, undefined);
      const all = providers
        .flatMap((p) => p.items)
        .sort(byTimeDesc)
        .map((i) => i.id);
      expect(big).toEqual(all);
      expect(walk(providers, limit)).toEqual(all);
    }
  });

  it('paging = one big listing when providers cap their pages below the limit', () => {
    const providers = dataset(7, [50, 40], 5);
    const capped = providers.map((p) => {
      const c = new FakeProvider(p.name, p.items);
      c.page = (marker, limit) => FakeProvider.prototype.page.call(c, marker, Math.min(limit ?? 6, 6));
      return c;
    });
    expect(walk(capped, 20)).toEqual(walk(providers, undefined));
    expect(walk(capped, undefined)).toEqual(walk(providers, undefined));
  });
});
