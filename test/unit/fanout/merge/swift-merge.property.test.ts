import { mergeSwiftPages, type MergedSwiftRow, type SwiftProviderPage } from '../../../../src/fanout/merge/swift-merge';
import {
  swiftRowKey,
  type SwiftContainerRow,
  type SwiftListingLevel,
  type SwiftNamedRow,
  type SwiftRow,
} from '../../../../src/fanout/merge/swift-rows';
import { isSwiftPageComplete, listSwiftWindow, type SwiftWindow } from '../../../../src/fanout/merge/swift-window';
import { deepFreeze } from './deep-freeze';
import { Prng } from './prng';

// Names mix ASCII, delimiters (single and multi-character), BMP characters above U+E000 and astral ones, whose
// UTF-16 order differs from Swift's UTF-8 order.
const SYMBOLS = ['a', 'b', '/', '-', '0', '\u00e9', '\uff5e', '\ue000', '\u{1F600}', '\u{10348}'];
const DELIMITERS = ['', '', '/', '-', '/-', '--', '\u{1F600}'];
const PREFIXES = ['', '', '', 'a', 'a/', 'b', '\uff5e', '\u{1F600}'];

interface Provider {
  name: string;
  priority: number;
  rows: SwiftNamedRow[];
}

function makeRow(level: SwiftListingLevel, name: string, rng: Prng, provider: string): SwiftNamedRow {
  const stamp = `2024-0${rng.int(1, 9)}-1${rng.int(0, 9)}T00:00:00.000000`;
  return level === 'account'
    ? { name, count: rng.int(0, 9), bytes: rng.int(0, 999), last_modified: stamp }
    : { bytes: rng.int(0, 99), hash: `${provider}-${name}`, name, content_type: 'text/plain', last_modified: stamp };
}

/** The union as one cluster would hold it: same-name containers summed, objects from the first provider by priority. */
function unionRows(level: SwiftListingLevel, providers: readonly Provider[]): SwiftNamedRow[] {
  const byName = new Map<string, SwiftNamedRow>();
  for (const p of providers) {
    for (const row of p.rows) {
      const seen = byName.get(row.name);
      if (!seen) byName.set(row.name, row);
      else if (level === 'account') {
        const s = seen as SwiftContainerRow;
        const r = row as SwiftContainerRow;
        byName.set(row.name, {
          ...seen,
          count: s.count + r.count,
          bytes: s.bytes + r.bytes,
          last_modified: r.last_modified > s.last_modified ? r.last_modified : s.last_modified,
        });
      }
    }
  }
  return [...byName.values()];
}

function trial(seed: number): void {
  const rng = new Prng(seed);
  const level: SwiftListingLevel = rng.pick(['account', 'container'] as const);
  const universe = [...new Set(Array.from({ length: rng.int(0, 40) }, () => rng.word(SYMBOLS, 5)))];
  const providers: Provider[] = Array.from({ length: rng.int(1, 4) }, (_, i) => {
    const name = `p${i}`;
    const rows = universe.filter(() => rng.chance(0.5)).map((n) => makeRow(level, n, rng, name));
    return { name, priority: rng.int(0, 2), rows };
  });
  // Reference order of providers: priority, then configuration order (the merge sorts stably the same way).
  const ranked = [...providers].sort((a, b) => a.priority - b.priority);
  const base: SwiftWindow = {
    marker: rng.chance(0.2) ? rng.word(SYMBOLS, 3) : '',
    endMarker: rng.chance(0.2) ? rng.word(SYMBOLS, 3) : '',
    prefix: rng.pick(PREFIXES),
    delimiter: rng.pick(DELIMITERS),
    limit: rng.int(1, 6),
    reverse: rng.chance(0.4),
  };
  const all = { ...base, limit: Number.MAX_SAFE_INTEGER };
  const expected = listSwiftWindow(unionRows(level, ranked), all);
  const perProvider = ranked.map((p) => new Set(listSwiftWindow(p.rows, all).map(swiftRowKey)));
  const expectedMerged: MergedSwiftRow[] = expected.map((row) => ({
    row,
    providers: ranked.filter((_, i) => perProvider[i]?.has(swiftRowKey(row))).map((p) => p.name),
  }));
  deepFreeze(providers);

  const walked: MergedSwiftRow[] = [];
  let marker = base.marker;
  for (let guard = 0; guard < 200; guard += 1) {
    const window = { ...base, marker };
    const pages: SwiftProviderPage[] = deepFreeze(
      providers.map((p) => {
        const rows: SwiftRow[] = listSwiftWindow(p.rows, window);
        return {
          provider: p.name,
          priority: p.priority,
          rows,
          complete: isSwiftPageComplete(rows.length, window.limit),
        };
      }),
    );
    const merged = mergeSwiftPages(pages, window, level);
    // Every page is exactly the matching slice of the one big listing.
    expect(merged.rows).toEqual(expectedMerged.slice(walked.length, walked.length + base.limit));
    if (merged.rows.length === 0) break;
    walked.push(...merged.rows);
    if (!merged.truncated) expect(walked.length).toBe(expected.length);
    marker = swiftRowKey((merged.rows[merged.rows.length - 1] as MergedSwiftRow).row);
  }
  expect(walked).toEqual(expectedMerged);
}

describe('Swift merged paging equals one big listing (seeded property test)', () => {
  const seeds = Array.from({ length: 400 }, (_, i) => 1000 + i);
  it.each(seeds)('seed %i', (seed) => trial(seed));
});
