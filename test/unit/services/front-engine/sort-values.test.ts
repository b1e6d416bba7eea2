import { compareSortValues } from '../../../../src/services/front-engine/sort-values';

describe('compareSortValues', () => {
  it('puts NULLs first and treats "" as NULL only where asked', () => {
    expect(compareSortValues(null, 'a', false)).toBeLessThan(0);
    expect(compareSortValues(undefined, null, false)).toBe(0);
    expect(compareSortValues('', 'a', false)).toBeLessThan(0);
    expect(compareSortValues('', null, false)).toBeGreaterThan(0);
    expect(compareSortValues('', null, true)).toBe(0);
    expect(compareSortValues('a', '', true)).toBeGreaterThan(0);
  });

  it('orders numbers and booleans by value, the rest as text', () => {
    expect(compareSortValues(9, 10, false)).toBeLessThan(0);
    expect(compareSortValues(true, false, true)).toBeGreaterThan(0);
    expect(compareSortValues('B', 'a', false)).toBeLessThan(0);
    expect(compareSortValues({ a: 1 }, { a: 2 }, true)).toBeLessThan(0);
  });
});
