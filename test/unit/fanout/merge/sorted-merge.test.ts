import { mergeSorted, type SortedProviderPage } from '../../../../src/fanout/merge/sorted-merge';
import { defaultSortSpec } from '../../../../src/fanout/merge/sort-spec';
import { deepFreeze } from './deep-freeze';

interface Server {
  id: string;
  created: string;
}

const spec = defaultSortSpec('compute');
const s = (id: string, day: number): Server => ({ id, created: `2024-01-${String(day).padStart(2, '0')}T00:00:00Z` });
const page = (provider: string, items: Server[], exhausted = true): SortedProviderPage<Server> => ({
  provider,
  items,
  exhausted,
});

describe('mergeSorted', () => {
  it('merges newest first across providers and tags each item with its provider', () => {
    const pages = deepFreeze([page('bu', [s('a', 9), s('b', 3)]), page('nu', [s('c', 5), s('d', 1)])]);
    const out = mergeSorted(pages, spec, 10);
    expect(out.items.map((i) => `${i.provider}:${i.item.id}`)).toEqual(['bu:a', 'nu:c', 'bu:b', 'nu:d']);
    expect(out.more).toBe(false);
    expect(out.items[0]?.item).toBe(pages[0]?.items[0]);
  });

  it('keeps a provider order for ties it breaks by hidden values, and puts the earlier provider first', () => {
    const pages = deepFreeze([page('bu', [s('z', 5), s('a', 5)]), page('nu', [s('m', 5)])]);
    expect(mergeSorted(pages, spec, 10).items.map((i) => i.item.id)).toEqual(['z', 'a', 'm']);
  });

  it('stops at the limit with more=true when anything is left', () => {
    const pages = deepFreeze([page('bu', [s('a', 9), s('b', 3)]), page('nu', [s('c', 5)])]);
    const out = mergeSorted(pages, spec, 2);
    expect(out.items.map((i) => i.item.id)).toEqual(['a', 'c']);
    expect(out.more).toBe(true);
  });

  it('stops where a provider with more to give runs out (max_limit capped its page)', () => {
    const pages = deepFreeze([page('bu', [s('a', 9), s('b', 8)], false), page('nu', [s('c', 1)])]);
    const out = mergeSorted(pages, spec, 10);
    expect(out.items.map((i) => i.item.id)).toEqual(['a', 'b']);
    expect(out.more).toBe(true);
  });

  it('answers nothing, and no more, for empty pages', () => {
    expect(mergeSorted(deepFreeze([page('bu', [], false)]), spec, 5)).toEqual({ items: [], more: false });
  });
});
