import { afterMarker, compareBySpec, compareSortValues } from '../../../../src/fanout/merge/sort-compare';
import { sortField, valueAt } from '../../../../src/fanout/merge/sort-fields';
import { parseSortSpec, type SortService, type SortSpec } from '../../../../src/fanout/merge/sort-spec';
import { mergeSorted, type SortedProviderPage } from '../../../../src/fanout/merge/sorted-merge';
import { deepFreeze } from './deep-freeze';
import { Prng } from './prng';

/** A resource as the API shows it, plus the database's hidden integer id (Nova breaks created_at ties with it). */
interface Item {
  readonly id: string;
  readonly internal: number;
  readonly [field: string]: unknown;
}

const NAMES = [null, 'alpha', 'Beta', 'beta', 'gamma', '\u00e9t\u00e9', 'zz'];
const SORT_PARAMS: Record<SortService, Array<Array<[string, string]>>> = {
  compute: [
    [],
    [
      ['sort_key', 'display_name'],
      ['sort_dir', 'asc'],
    ],
    [
      ['sort_key', 'vm_state'],
      ['sort_key', 'display_name'],
    ],
    [['sort_dir', 'asc']],
  ],
  volume: [
    [],
    [['sort', 'size:asc,name']],
    [['sort', 'name:desc']],
    [
      ['sort_key', 'size'],
      ['sort_dir', 'asc'],
    ],
  ],
  image: [
    [],
    [['sort', 'size:asc']],
    [
      ['sort_key', 'name'],
      ['sort_key', 'size'],
      ['sort_dir', 'asc'],
    ],
    [['sort', 'status,name:asc']],
  ],
};

function makeItem(service: SortService, rng: Prng, serial: number): Item {
  // Few distinct timestamps (Nova's are whole seconds) so that ties are common.
  const stamp = `2024-01-0${rng.int(1, 4)}T00:00:0${rng.int(0, 2)}`;
  const id = `${rng.int(0, 0xffff).toString(16)}-${serial}`;
  const name = rng.pick(NAMES);
  if (service === 'compute') {
    return {
      id,
      internal: serial,
      created: `${stamp}Z`,
      name,
      'OS-EXT-STS:vm_state': rng.pick(['active', 'error', null]),
    };
  }
  const size = rng.chance(0.2) ? null : rng.int(1, 4);
  const status = rng.pick(['active', 'queued', 'available']);
  return {
    id,
    internal: serial,
    created_at: service === 'volume' ? `${stamp}.000000` : `${stamp}Z`,
    name,
    size,
    status,
  };
}

/** The provider's database order: the spec on columns, the hidden id where the API does not show it. */
function nativeCompare(spec: SortSpec): (a: Item, b: Item) => number {
  return (a, b) => {
    for (const { key, dir } of spec.keys) {
      const path = sortField(spec.service, key);
      const c = path ? compareSortValues(valueAt(a, path), valueAt(b, path)) : Math.sign(a.internal - b.internal);
      if (c !== 0) return dir === 'desc' ? -c : c;
    }
    return 0;
  };
}

function trial(seed: number): void {
  const rng = new Prng(seed);
  const service: SortService = rng.pick(['compute', 'volume', 'image'] as const);
  const parsed = parseSortSpec(service, rng.pick(SORT_PARAMS[service]));
  if (!parsed.ok) throw new Error(parsed.error.message);
  const spec = parsed.spec;
  let serial = 0;
  const providers = Array.from({ length: rng.int(1, 4) }, (_, rank) => ({
    name: `p${rank}`,
    rank,
    // A provider's max_limit may cap its pages below the client's limit (it then says there is more).
    cap: rng.int(1, 8),
    items: Array.from({ length: rng.int(0, 15) }, () => makeItem(service, rng, (serial += 1))).sort(
      nativeCompare(spec),
    ),
  }));
  deepFreeze(providers);
  const limit = rng.int(1, 6);
  const bigListing = providers
    .flatMap((p) => p.items.map((item, index) => ({ item, rank: p.rank, index })))
    .sort((a, b) => compareBySpec(a.item, b.item, spec) || a.rank - b.rank || a.index - b.index)
    .map((e) => e.item.id);

  const walked: string[] = [];
  let marker: { item: Item; rank: number } | undefined;
  for (let guard = 0; guard < 500; guard += 1) {
    const pages: Array<SortedProviderPage<Item>> = providers.map((p) => {
      let rest: readonly Item[] = p.items;
      if (marker && marker.rank === p.rank) rest = p.items.slice(p.items.indexOf(marker.item) + 1);
      else if (marker) {
        const m = marker;
        rest = p.items.filter((item) => afterMarker(item, m.item, spec, { itemRank: p.rank, markerRank: m.rank }));
      }
      const size = Math.min(limit, p.cap);
      return { provider: p.name, items: rest.slice(0, size), exhausted: rest.length <= size };
    });
    const out = mergeSorted(deepFreeze(pages), spec, limit);
    expect(out.items.length).toBeLessThanOrEqual(limit);
    walked.push(...out.items.map((i) => i.item.id));
    const last = out.items[out.items.length - 1];
    if (!out.more || !last) break;
    const owner = providers.find((p) => p.name === last.provider);
    marker = { item: last.item, rank: owner?.rank ?? -1 };
  }
  expect(walked).toEqual(bigListing);
}

describe('sorted merged paging with afterMarker equals one big listing (seeded property test)', () => {
  const seeds = Array.from({ length: 400 }, (_, i) => 5000 + i);
  it.each(seeds)('seed %i', (seed) => trial(seed));
});
