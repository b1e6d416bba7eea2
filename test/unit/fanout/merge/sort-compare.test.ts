import { afterMarker, compareBySpec, compareSortValues } from '../../../../src/fanout/merge/sort-compare';
import { sortField, valueAt } from '../../../../src/fanout/merge/sort-fields';
import { defaultSortSpec, type SortSpec } from '../../../../src/fanout/merge/sort-spec';

describe('compareSortValues', () => {
  it('puts NULL and missing values first, like MySQL and SQLite', () => {
    expect(compareSortValues(null, 'a')).toBeLessThan(0);
    expect(compareSortValues(undefined, 0)).toBeLessThan(0);
    expect(compareSortValues(1, null)).toBeGreaterThan(0);
    expect(compareSortValues(null, undefined)).toBe(0);
  });

  it('compares numbers as numbers and booleans as 0/1', () => {
    expect(compareSortValues(9, 10)).toBeLessThan(0);
    expect(compareSortValues(true, false)).toBeGreaterThan(0);
  });

  it('compares timestamps as instants across formats', () => {
    expect(compareSortValues('2024-01-01T00:00:00Z', '2024-01-01T00:00:00.000001')).toBeLessThan(0);
    expect(compareSortValues('2024-01-01T01:00:00+01:00', '2024-01-01T00:00:00Z')).toBe(0);
    expect(compareSortValues('2024-01-01T00:00:00.5', '2024-01-01T00:00:00.499999Z')).toBeGreaterThan(0);
  });

  it('compares other strings case-insensitively first', () => {
    expect(compareSortValues('apple', 'Banana')).toBeLessThan(0);
    expect(compareSortValues('B', 'b')).toBeLessThan(0);
  });
});

describe('compareBySpec / afterMarker', () => {
  const nova = defaultSortSpec('compute');
  const server = (created: string, id: string) => ({ id, created });

  it('reads Nova fields under their API names and skips the hidden integer id', () => {
    expect(sortField('compute', 'created_at')).toEqual(['created']);
    expect(sortField('compute', 'id')).toBeUndefined();
    expect(valueAt({ image: { id: 'i' } }, sortField('compute', 'image_ref') ?? [])).toBe('i');
    expect(compareBySpec(server('2024-01-02T00:00:00Z', 'a'), server('2024-01-01T00:00:00Z', 'b'), nova)).toBeLessThan(
      0,
    );
    expect(compareBySpec(server('2024-01-01T00:00:00Z', 'a'), server('2024-01-01T00:00:00Z', 'b'), nova)).toBe(0);
  });

  it('uses the visible UUID id for Cinder and Glance', () => {
    const cinder = defaultSortSpec('volume');
    const vol = (id: string) => ({ id, created_at: '2024-01-01T00:00:00.000000' });
    expect(compareBySpec(vol('b'), vol('a'), cinder)).toBeLessThan(0);
  });

  it('filters by the marker values, with provider rank deciding full ties', () => {
    const marker = server('2024-01-02T00:00:00Z', 'm');
    expect(afterMarker(server('2024-01-01T00:00:00Z', 'x'), marker, nova)).toBe(true);
    expect(afterMarker(server('2024-01-03T00:00:00Z', 'x'), marker, nova)).toBe(false);
    const tie = server('2024-01-02T00:00:00Z', 'x');
    expect(afterMarker(tie, marker, nova)).toBe(false);
    expect(afterMarker(tie, marker, nova, { itemRank: 2, markerRank: 1 })).toBe(true);
    expect(afterMarker(tie, marker, nova, { itemRank: 0, markerRank: 1 })).toBe(false);
  });

  it('honours ascending keys', () => {
    const spec: SortSpec = { service: 'image', keys: [{ key: 'size', dir: 'asc' }] };
    expect(compareBySpec({ size: 1 }, { size: null }, spec)).toBeGreaterThan(0);
  });
});
