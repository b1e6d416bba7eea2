import { cidrRange, intToIp, ipToInt, splitPools, type Pool } from '../../../../src/services/network/pool-split';
import { Prng } from '../../fanout/merge/prng';

/**
 * Property: for any IPv4 CIDR, gateway (or none) and number of providers, the pools of each provider are disjoint
 * from every other provider's, never contain the network, broadcast or gateway address, stay inside the CIDR, and
 * together cover every usable address (nothing wasted), with slice sizes differing by at most one.
 */
const addresses = (pools: readonly Pool[]): number[] =>
  pools.flatMap((p) => {
    const out: number[] = [];
    for (let a = ipToInt(p.start); a <= ipToInt(p.end); a++) out.push(a);
    return out;
  });

describe('splitPools (property)', () => {
  it.each(Array.from({ length: 300 }, (_, i) => i + 1))('seed %i', (seed) => {
    const rng = new Prng(seed);
    const prefix = rng.int(22, 30);
    const base = intToIp(rng.int(0, 2 ** 32 - 1));
    const cidr = `${base}/${prefix}`;
    const { first, last } = cidrRange(cidr);
    const gw = rng.chance(0.15) ? null : intToIp(rng.int(first + 1, last - 1));
    const usable = last - first - 1 - (gw === null ? 0 : 1);
    const parts = rng.int(1, Math.min(6, usable));
    const split = splitPools(cidr, gw, parts);
    expect(split).toHaveLength(parts);
    const seen = new Set<number>();
    const sizes: number[] = [];
    for (const pools of split) {
      const mine = addresses(pools);
      sizes.push(mine.length);
      for (const a of mine) {
        expect(seen.has(a)).toBe(false);
        seen.add(a);
        expect(a > first && a < last).toBe(true);
        if (gw !== null) expect(a).not.toBe(ipToInt(gw));
      }
      for (const p of pools) expect(ipToInt(p.start)).toBeLessThanOrEqual(ipToInt(p.end));
    }
    expect(seen.size).toBe(usable);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });
});

describe('splitPools (examples)', () => {
  it('gives two providers the halves of a /24 around the gateway', () => {
    expect(splitPools('10.0.0.0/24', '10.0.0.1', 2)).toEqual([
      [{ start: '10.0.0.2', end: '10.0.0.128' }],
      [{ start: '10.0.0.129', end: '10.0.0.254' }],
    ]);
  });

  it('cuts a slice in two around a gateway in the middle', () => {
    expect(splitPools('10.0.0.0/29', '10.0.0.3', 2)).toEqual([
      [
        { start: '10.0.0.1', end: '10.0.0.2' },
        { start: '10.0.0.4', end: '10.0.0.4' },
      ],
      [{ start: '10.0.0.5', end: '10.0.0.6' }],
    ]);
  });

  it('refuses a CIDR too small for the providers, and a gateway outside it', () => {
    expect(() => splitPools('10.0.0.0/30', '10.0.0.1', 2)).toThrow(/too few/);
    expect(() => splitPools('10.0.0.0/24', '10.0.1.1', 2)).toThrow(/not in/);
    expect(() => splitPools('10.0.0.0/33', null, 2)).toThrow(/Invalid CIDR/);
  });
});
