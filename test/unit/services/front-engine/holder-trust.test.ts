import { holderTrust, mostTrusted } from '../../../../src/services/front-engine/holder-trust';

describe('how far a holder of an id is trusted', () => {
  it('images: own project, then public, then anything any tenant can make', () => {
    expect(holderTrust('image', { owner: 'p1', visibility: 'community' }, 'p1')).toBe('own');
    expect(holderTrust('image', { owner: 'p2', visibility: 'public' }, 'p1')).toBe('public');
    for (const visibility of ['community', 'shared', 'private', undefined]) {
      expect(holderTrust('image', { owner: 'p2', visibility }, 'p1')).toBe('other');
    }
    expect(holderTrust('image', undefined, 'p1')).toBe('other');
    expect(holderTrust('image', { owner: undefined, visibility: 'community' }, undefined)).toBe('other');
  });

  it('project-scoped kinds are always the caller’s own', () => {
    expect(holderTrust('volume', { id: 'v' }, 'p1')).toBe('own');
    expect(holderTrust('server', undefined, undefined)).toBe('own');
  });

  it('the best tier present decides; a tie is several', () => {
    const h = (provider: string, trust: 'own' | 'public' | 'other') => ({ provider, trust });
    expect(mostTrusted([h('bu', 'other'), h('home', 'public')])).toEqual([h('home', 'public')]);
    expect(mostTrusted([h('bu', 'public'), h('home', 'public'), h('nu', 'other')])).toHaveLength(2);
    expect(mostTrusted([h('bu', 'own'), h('home', 'public')])).toEqual([h('bu', 'own')]);
    expect(mostTrusted([])).toEqual([]);
  });
});
