import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  isSwiftPageComplete,
  listSwiftWindow,
  swiftProviderQuery,
  type SwiftWindow,
} from '../../../../src/fanout/merge/swift-window';
import type { SwiftNamedRow } from '../../../../src/fanout/merge/swift-rows';

interface OracleWindow {
  marker: string;
  end_marker: string;
  prefix: string;
  delimiter: string;
  path: string | null;
  limit: number;
  reverse: boolean;
}
interface OracleSet {
  level: 'account' | 'container';
  names: string[];
  windows: Array<{ window: OracleWindow; expected: Array<{ name: string } | { subdir: string }> }>;
}

// Captured from Swift 2.30.1's own brokers; see test/fixtures/swift/oracle/generate.py.
const ORACLE = join(__dirname, '../../../fixtures/swift/oracle/broker-listings.jsonl');
const sets: OracleSet[] = readFileSync(ORACLE, 'utf8')
  .split('\n')
  .slice(1)
  .filter((line) => line !== '')
  .map((line) => JSON.parse(line) as OracleSet);

function toWindow(w: OracleWindow): SwiftWindow {
  return {
    marker: w.marker,
    endMarker: w.end_marker,
    prefix: w.prefix,
    delimiter: w.delimiter,
    ...(w.path === null ? {} : { path: w.path }),
    limit: w.limit,
    reverse: w.reverse,
  };
}

describe('listSwiftWindow against Swift 2.30.1 brokers', () => {
  it('has oracle cases to check', () => {
    expect(sets.length).toBeGreaterThan(40);
  });

  it.each(sets.map((s, i) => [i, s] as const))('name set #%i gives every window exactly as the broker', (_i, set) => {
    const rows: SwiftNamedRow[] = set.names.map((name) => ({ name }));
    for (const { window, expected } of set.windows) {
      const got = listSwiftWindow(rows, toWindow(window)).map((r) =>
        'subdir' in r ? { subdir: r.subdir } : { name: r.name },
      );
      expect({ window, got }).toEqual({ window, got: expected });
    }
  });
});

describe('listSwiftWindow quirks (named)', () => {
  const rows = ['a/b/c', 'a/b0', 'a/c', 'b'].map((name) => ({ name }));
  const base: SwiftWindow = { marker: '', endMarker: '', prefix: '', delimiter: '', limit: 10000, reverse: false };

  it('skips <dir>0 on a forward path= walk, as Swift does', () => {
    expect(listSwiftWindow(rows, { ...base, path: 'a' })).toEqual([{ name: 'a/c' }]);
    expect(listSwiftWindow(rows, { ...base, path: 'a', reverse: true })).toEqual([{ name: 'a/c' }, { name: 'a/b0' }]);
  });

  it('does not repeat a subdir given as marker, but yields it for a marker inside it', () => {
    expect(listSwiftWindow(rows, { ...base, delimiter: '/', marker: 'a/' })).toEqual([{ name: 'b' }]);
    expect(listSwiftWindow(rows, { ...base, delimiter: '/', marker: 'a/b' })).toEqual([
      { subdir: 'a/' },
      { name: 'b' },
    ]);
  });

  it('keeps the input rows untouched and returns them by identity', () => {
    const frozen = Object.freeze(rows.map((r) => Object.freeze({ ...r })));
    const out = listSwiftWindow(frozen, { ...base, limit: 2 });
    expect(out[0]).toBe(frozen[0]);
  });
});

describe('isSwiftPageComplete / swiftProviderQuery', () => {
  it('calls a short page complete', () => {
    expect(isSwiftPageComplete(3, 4)).toBe(true);
    expect(isSwiftPageComplete(4, 4)).toBe(false);
    expect(isSwiftPageComplete(0, 0)).toBe(true);
  });

  it('asks providers for JSON with only the given bounds', () => {
    const w: SwiftWindow = { marker: 'm', endMarker: '', prefix: 'p/', delimiter: '/', limit: 5, reverse: true };
    expect(swiftProviderQuery(w)).toEqual([
      ['format', 'json'],
      ['limit', '5'],
      ['marker', 'm'],
      ['prefix', 'p/'],
      ['delimiter', '/'],
      ['reverse', 'true'],
    ]);
    expect(swiftProviderQuery({ ...w, path: '', reverse: false, marker: '' })).toContainEqual(['path', '']);
  });
});
