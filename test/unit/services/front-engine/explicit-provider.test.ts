import { explicitProvider, resourceRef } from '../../../../src/services/front-engine/explicit-provider';
import { idsIn } from '../../../../src/services/front-engine/learn-locations';

const known = ['home', 'bu'];

describe('naming a provider for one resource', () => {
  it('takes the suffix or the header; both agreeing is fine, disagreeing a 400', () => {
    expect(resourceRef('v1@bu', known, undefined)).toEqual({ id: 'v1', explicit: 'bu' });
    expect(resourceRef('v1', known, 'bu')).toEqual({ id: 'v1', explicit: 'bu' });
    expect(resourceRef('v1', known, undefined)).toEqual({ id: 'v1', explicit: undefined });
    expect(explicitProvider('bu', 'bu')).toBe('bu');
    expect(() => explicitProvider('bu', 'home')).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('an unknown provider is a 400 naming the known ones', () => {
    expect(() => resourceRef('v1@mars', known, undefined)).toThrow(
      'Unknown provider "mars". Known providers: home, bu.',
    );
  });
});

describe('ids learned from answers', () => {
  it('finds wrapped, listed and bare ids', () => {
    expect(
      idsIn(
        { volume: { id: 'v1' }, snapshots: [{ id: 's1' }, { id: '' }, {}] },
        { volume: 'volume', snapshots: 'snapshot' },
      ),
    ).toEqual([
      { kind: 'volume', id: 'v1', item: { id: 'v1' } },
      { kind: 'snapshot', id: 's1', item: { id: 's1' } },
    ]);
    // The document comes along: how far a location is trusted depends on it (image owner, visibility).
    expect(idsIn({ id: 'i1', name: 'x' }, {}, 'image')).toEqual([
      { kind: 'image', id: 'i1', item: { id: 'i1', name: 'x' } },
    ]);
    expect(idsIn(null, { volume: 'volume' })).toEqual([]);
  });
});
