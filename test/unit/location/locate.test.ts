import { recordAsked, recorded, verdictOf, type Holder } from '../../../src/location/locate';
import { LocationCache } from '../../../src/location/location-cache';
import { memoryCache } from '../../../src/state/cache';

const cache = () => new LocationCache(memoryCache<{ providers: string[] }>(100), 60_000);
const key = { kind: 'volume', scope: 'p1', id: 'v1' } as const;
const at = (...providers: string[]): Holder[] => providers.map((provider) => ({ provider }));

describe('recordAsked: what a fresh ask of every provider teaches', () => {
  it('one holder replaces what was known, even with a provider that could not say', async () => {
    const c = cache();
    c.remember('volume', 'p1', 'v1', ['bu']);
    recordAsked(c, key, { found: at('nu'), failed: ['home'] }, 'one');
    expect(await recorded(c, key)).toEqual(['nu']);
  });

  it('several holders of a one-holder id are learned as ambiguous, added to what was known', async () => {
    const c = cache();
    c.remember('volume', 'p1', 'v1', ['home']);
    recordAsked(c, key, { found: at('bu', 'nu'), failed: [] }, 'one');
    expect(await recorded(c, key)).toEqual(['home', 'bu', 'nu']);
  });

  it('no holder of a one-holder id records nothing', async () => {
    const c = cache();
    c.remember('volume', 'p1', 'v1', ['home']);
    recordAsked(c, key, { found: [], failed: [] }, 'one');
    expect(await recorded(c, key)).toEqual(['home']);
  });

  it('a union is recorded whole only when every provider answered; none holding it forgets it', async () => {
    const c = cache();
    const k = { ...key, kind: 'container' } as const;
    recordAsked(c, k, { found: at('home', 'bu'), failed: ['nu'] }, 'union');
    expect(await recorded(c, k)).toBeUndefined();
    recordAsked(c, k, { found: at('home', 'bu'), failed: [] }, 'union');
    expect(await recorded(c, k)).toEqual(['home', 'bu']);
    recordAsked(c, k, { found: [], failed: ['nu'] }, 'union');
    expect(await recorded(c, k)).toEqual(['home', 'bu']);
    recordAsked(c, k, { found: [], failed: [] }, 'union');
    expect(await recorded(c, k)).toBeUndefined();
  });
});

describe('verdictOf: the one-holder rule', () => {
  it('one holder is the answer, whatever else failed', () => {
    expect(verdictOf({ found: at('bu'), failed: ['nu'] })).toEqual({ kind: 'at', holder: { provider: 'bu' } });
  });

  it('several holders: the single preferred one, else ambiguous', () => {
    const trusted = [
      { provider: 'home', trust: 'other' },
      { provider: 'bu', trust: 'own' },
    ];
    const own = (h: readonly (typeof trusted)[number][]) => h.filter((x) => x.trust === 'own');
    expect(verdictOf({ found: trusted, failed: [] }, own)).toEqual({ kind: 'at', holder: trusted[1] });
    expect(verdictOf({ found: at('home', 'bu'), failed: [] })).toEqual({
      kind: 'ambiguous',
      holders: at('home', 'bu'),
    });
  });

  it('none: unavailable when a provider could not say, else absent', () => {
    expect(verdictOf({ found: [], failed: ['nu', 'bu'] })).toEqual({ kind: 'unavailable', failed: ['nu', 'bu'] });
    expect(verdictOf({ found: [], failed: [] })).toEqual({ kind: 'absent' });
  });
});
