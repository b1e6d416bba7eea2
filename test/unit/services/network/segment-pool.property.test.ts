import {
  pickSegment,
  segmentOfTags,
  SegmentReservations,
  spanTag,
} from '../../../../src/services/network/segment-pool';
import { Prng } from '../../fanout/merge/prng';

/**
 * Property: reservations interleaved at random with releases and with segments becoming used (twins created at the
 * providers) never hand out a segment that is used or held by another create in flight, always hand one out while
 * the pool has a free one, and never reuse a segment that is still in use.
 */
describe('SegmentReservations (property)', () => {
  it.each(Array.from({ length: 200 }, (_, i) => i + 1))('seed %i', (seed) => {
    const rng = new Prng(seed);
    const range = { min: rng.int(1, 4000), max: 0 };
    range.max = range.min + rng.int(0, 30);
    const used = new Set<number>();
    for (let s = range.min; s <= range.max; s++) if (rng.chance(0.2)) used.add(s);
    const pool = new SegmentReservations();
    const held = new Map<number, () => void>();
    for (let step = 0; step < 120; step++) {
      const op = rng.int(0, 2);
      if (op === 0 || held.size === 0) {
        const free = [];
        for (let s = range.min; s <= range.max; s++) if (!used.has(s) && !held.has(s)) free.push(s);
        const r = pool.reserve(range, used);
        if (free.length === 0) {
          expect(r).toBeUndefined();
          continue;
        }
        expect(r).toBeDefined();
        const segment = r!.segment;
        expect(used.has(segment)).toBe(false);
        expect(held.has(segment)).toBe(false);
        expect(segment).toBe(Math.min(...free));
        held.set(segment, r!.release);
      } else {
        const [segment, release] = rng.pick([...held]);
        held.delete(segment);
        // The create either made its twins (the segment is now in use) or rolled back (it is free again).
        if (rng.chance(0.5)) used.add(segment);
        else used.delete(segment);
        release();
        release(); // twice is harmless
      }
      expect(pool.size).toBe(held.size);
    }
  });

  it('ten concurrent creates get ten different segments', () => {
    const pool = new SegmentReservations();
    const got = Array.from({ length: 10 }, () => pool.reserve({ min: 2000, max: 2099 }, new Set([2001]))!.segment);
    expect(new Set(got).size).toBe(10);
    expect(got).not.toContain(2001);
  });
});

describe('segment pool helpers', () => {
  it('pickSegment returns undefined when the pool is exhausted', () => {
    expect(pickSegment({ min: 5, max: 6 }, new Set([5]), new Set([6]))).toBeUndefined();
  });

  it('a twin tag names its physical network and segment, and is read back', () => {
    const tag = spanTag('physnet1', 2042);
    expect(tag).toBe('ocx-span:physnet1:2042');
    expect(segmentOfTags(['x', tag], 'physnet1')).toBe(2042);
    expect(segmentOfTags([tag], 'physnet2')).toBeUndefined();
    expect(segmentOfTags(['ocx-span:physnet1:12a'], 'physnet1')).toBeUndefined();
  });
});
