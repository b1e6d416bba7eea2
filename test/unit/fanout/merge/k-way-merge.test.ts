import { isLastOfSource, mergeGroups } from '../../../../src/fanout/merge/k-way-merge';
import { deepFreeze } from './deep-freeze';

describe('mergeGroups', () => {
  it('yields equal heads together, in source order, and keeps each source order', () => {
    const sources = deepFreeze([[1, 3, 5], [3, 4], [], [0, 3]]);
    const groups = [...mergeGroups(sources, (a, b) => a.item - b.item)].map((g) =>
      g.map((h) => `${h.source}:${h.item}`),
    );
    expect(groups).toEqual([['3:0'], ['0:1'], ['0:3', '1:3', '3:3'], ['1:4'], ['0:5']]);
  });

  it('is lazy and tells when a source is used up', () => {
    const sources = [[1, 2], [9]];
    const it = mergeGroups(sources, (a, b) => a.item - b.item);
    const first = it.next().value;
    expect(first?.[0] && isLastOfSource(first[0], sources)).toBe(false);
    const second = it.next().value;
    expect(second?.[0] && isLastOfSource(second[0], sources)).toBe(true);
  });
});
