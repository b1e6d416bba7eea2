import { LocationCache } from '../../../src/location/location-cache';
import { memoryCache } from '../../../src/state/cache';

const cache = () => new LocationCache(memoryCache<{ providers: string[] }>(100), 60_000);

describe('location cache', () => {
  it('learning never moves a known location: a second provider makes the id ambiguous', () => {
    const c = cache();
    c.learn('image', 'p', 'i', ['home']);
    c.learn('image', 'p', 'i', ['home']);
    expect(c.get('image', 'p', 'i')).toEqual(['home']);
    c.learn('image', 'p', 'i', ['bu']);
    expect(c.get('image', 'p', 'i')).toEqual(['home', 'bu']);
    c.learn('image', 'p', 'i', ['home']);
    expect(c.get('image', 'p', 'i')).toEqual(['home', 'bu']);
  });

  it('remember replaces (a fresh answer from every provider)', () => {
    const c = cache();
    c.learn('volume', 'p', 'v', ['home', 'bu']);
    c.remember('volume', 'p', 'v', ['bu']);
    expect(c.get('volume', 'p', 'v')).toEqual(['bu']);
  });

  it('a proposal is seen only by its user while held, and never reaches the cache', () => {
    const c = cache();
    const release = c.propose('volume', 'p', 'u1', 'v', 'bu');
    expect(c.proposed('volume', 'p', 'u1', 'v')).toBe('bu');
    expect(c.proposed('volume', 'p', 'u2', 'v')).toBeUndefined();
    expect(c.proposed('volume', 'q', 'u1', 'v')).toBeUndefined();
    expect(c.get('volume', 'p', 'v')).toBeUndefined();
    const other = c.propose('volume', 'p', 'u1', 'v', 'home');
    expect(c.proposed('volume', 'p', 'u1', 'v')).toBeUndefined();
    other();
    expect(c.proposed('volume', 'p', 'u1', 'v')).toBe('bu');
    release();
    release();
    expect(c.proposed('volume', 'p', 'u1', 'v')).toBeUndefined();
  });
});
