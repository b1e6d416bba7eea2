import { placeCreate } from '../../../../src/services/routed/placement';

const base = { policy: 'home', home: 'home', known: ['home', 'bu', 'nu'] };

describe('create placement (DESIGN.md "Naming a provider")', () => {
  it.each([
    [{ nameProvider: 'bu', availabilityZone: 'nu', headerProvider: 'nu' }, 'bu', 'name', true],
    [{ availabilityZone: 'nu', headerProvider: 'bu' }, 'nu', 'availability_zone', true],
    [{ availabilityZone: 'nova', headerProvider: 'bu' }, 'bu', 'header', false],
    [{ referencedProvider: 'nu' }, 'nu', 'reference', false],
    [{ headerProvider: 'bu', referencedProvider: 'nu' }, 'bu', 'header', false],
    [{}, 'home', 'policy', false],
  ] as const)('%j → %s (%s)', (input, provider, reason, drop) => {
    expect(placeCreate({ ...base, ...input })).toEqual({ provider, reason, dropAvailabilityZone: drop });
  });

  it('follows a policy naming a provider; least-used places at home here', () => {
    expect(placeCreate({ ...base, policy: 'nu' }).provider).toBe('nu');
    expect(placeCreate({ ...base, policy: 'least-used' }).provider).toBe('home');
  });
});
