import { mergeSwiftPages, type SwiftProviderPage } from '../../../../src/fanout/merge/swift-merge';
import type { SwiftRow } from '../../../../src/fanout/merge/swift-rows';
import type { SwiftWindow } from '../../../../src/fanout/merge/swift-window';
import { deepFreeze } from './deep-freeze';

const window: SwiftWindow = { marker: '', endMarker: '', prefix: '', delimiter: '', limit: 10, reverse: false };

function page(provider: string, priority: number, rows: SwiftRow[], complete = true): SwiftProviderPage {
  return { provider, priority, rows, complete };
}

const obj = (name: string, hash: string): SwiftRow => ({
  bytes: 1,
  hash,
  name,
  content_type: 'text/plain',
  last_modified: '2024-01-01T00:00:00.000000',
});

describe('mergeSwiftPages', () => {
  it('orders by UTF-8 bytes, not by UTF-16 code units', () => {
    const pages = deepFreeze([page('a', 0, [obj('\uff5e', 'x')]), page('b', 1, [obj('\u{1F600}', 'y')])]);
    expect(mergeSwiftPages(pages, window, 'container').rows.map((r) => r.row)).toEqual([
      obj('\uff5e', 'x'),
      obj('\u{1F600}', 'y'),
    ]);
  });

  it('keeps the highest-priority object row and lists every provider that has the name', () => {
    const pages = deepFreeze([page('low', 5, [obj('o', 'low-hash')]), page('high', 1, [obj('o', 'high-hash')])]);
    const merged = mergeSwiftPages(pages, window, 'container');
    expect(merged.rows).toEqual([{ row: obj('o', 'high-hash'), providers: ['high', 'low'] }]);
    expect(merged.truncated).toBe(false);
  });

  it('sums same-name containers, keeps the newest last_modified and the first provider fields in order', () => {
    const pages = deepFreeze([
      page('bu', 0, [
        { name: 'c', count: 2, bytes: 10, last_modified: '2024-01-01T00:00:00.000000', storage_policy: 'gold' },
      ]),
      page('nu', 1, [
        { name: 'c', count: 3, bytes: 5, last_modified: '2024-02-01T00:00:00.000000', storage_policy: 'x' },
      ]),
    ]);
    const [row] = mergeSwiftPages(pages, window, 'account').rows;
    expect(row?.providers).toEqual(['bu', 'nu']);
    expect(JSON.stringify(row?.row)).toBe(
      '{"name":"c","count":5,"bytes":15,"last_modified":"2024-02-01T00:00:00.000000","storage_policy":"gold"}',
    );
  });

  it('de-duplicates subdirs across providers, inline in name order', () => {
    const pages = deepFreeze([
      page('a', 0, [{ subdir: 'd/' }, obj('e', '1')]),
      page('b', 0, [obj('d', '2'), { subdir: 'd/' }]),
    ]);
    const merged = mergeSwiftPages(pages, { ...window, delimiter: '/' }, 'container');
    expect(merged.rows.map((r) => [r.row, r.providers])).toEqual([
      [obj('d', '2'), ['b']],
      [{ subdir: 'd/' }, ['a', 'b']],
      [obj('e', '1'), ['a']],
    ]);
  });

  it('merges descending when reverse is set', () => {
    const pages = deepFreeze([page('a', 0, [obj('c', '1'), obj('a', '1')]), page('b', 0, [obj('b', '2')])]);
    const merged = mergeSwiftPages(pages, { ...window, reverse: true }, 'container');
    expect(merged.rows.map((r) => (r.row as { name: string }).name)).toEqual(['c', 'b', 'a']);
  });

  it('stops at the limit and says whether more may follow', () => {
    const pages = deepFreeze([page('a', 0, [obj('a', '1'), obj('c', '1')], false), page('b', 0, [obj('b', '2')])]);
    const merged = mergeSwiftPages(pages, { ...window, limit: 2 }, 'container');
    expect(merged.rows.map((r) => (r.row as { name: string }).name)).toEqual(['a', 'b']);
    expect(merged.truncated).toBe(true);
    const exact = mergeSwiftPages(
      deepFreeze([page('a', 0, [obj('a', '1')]), page('b', 0, [obj('b', '1')])]),
      { ...window, limit: 2 },
      'container',
    );
    expect(exact.truncated).toBe(false);
  });

  it('stops where a provider that is not complete runs out (its next rows could sort earlier)', () => {
    const pages = deepFreeze([page('a', 0, [obj('a', '1'), obj('b', '1')], false), page('b', 0, [obj('c', '2')])]);
    const merged = mergeSwiftPages(pages, { ...window, limit: 5 }, 'container');
    expect(merged.rows.map((r) => (r.row as { name: string }).name)).toEqual(['a', 'b']);
    expect(merged.truncated).toBe(true);
  });

  it('gives nothing for limit=0 and for no pages', () => {
    expect(mergeSwiftPages([], window, 'account')).toEqual({ rows: [], truncated: false });
    expect(mergeSwiftPages(deepFreeze([page('a', 0, [])]), { ...window, limit: 0 }, 'account').rows).toEqual([]);
  });

  it('never hands out an input object it changed (account sums are new objects)', () => {
    const a = { name: 'c', count: 1, bytes: 1, last_modified: '2024-01-01T00:00:00.000000' };
    const pages = deepFreeze([page('a', 0, [a]), page('b', 0, [{ ...a }])]);
    const [row] = mergeSwiftPages(pages, window, 'account').rows;
    expect(row?.row).not.toBe(a);
    expect(a.count).toBe(1);
  });
});
