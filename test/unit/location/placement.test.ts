import { place, placementFigures, placementPolicy, zoneAtProvider } from '../../../src/location/placement';

const known = ['home', 'bu', 'nu'];
const providers = [
  { name: 'home', weight: 1 },
  { name: 'bu', weight: 1 },
  { name: 'nu', weight: 2 },
];
const base = { policy: 'home', home: 'home', known };
const figures = (o: Record<string, number>) => new Map(Object.entries(o));
const by = (input: Partial<Parameters<typeof place>[0]>) => place({ ...base, providers, ...input }).provider;

describe('create placement (docs/contract.md "Naming a provider")', () => {
  it.each([
    [{ nameProvider: 'bu', availabilityZone: 'nu', headerProvider: 'nu' }, 'bu', 'name', true],
    [{ availabilityZone: 'nu', headerProvider: 'bu' }, 'nu', 'availability_zone', true],
    [{ availabilityZone: 'nova', headerProvider: 'bu' }, 'bu', 'header', false],
    [{ referencedProvider: 'nu' }, 'nu', 'reference', false],
    [{ headerProvider: 'bu', referencedProvider: 'nu' }, 'bu', 'header', false],
    [{ referencedProvider: 'nu', holders: ['bu'] }, 'nu', 'reference', false],
    [{ holders: ['bu', 'nu'] }, 'bu', 'holders', false],
    [{ holders: [] }, 'home', 'policy', false],
    [{}, 'home', 'policy', false],
  ] as const)('%j → %s (%s)', (input, provider, reason, drop) => {
    expect(place({ ...base, ...input })).toEqual({ provider, reason, dropAvailabilityZone: drop });
  });

  it('follows a policy naming a provider among the candidates, else places at home', () => {
    expect(place({ ...base, policy: 'nu' }).provider).toBe('nu');
    expect(by({ policy: 'bu' })).toBe('bu');
    expect(by({ policy: 'bu', providers: [{ name: 'nu', weight: 1 }] })).toBe('home');
  });
});

describe('availability zones that name a provider as listings show them (PROVIDER:zone)', () => {
  it('places at the provider and forwards the zone part', () => {
    expect(place({ ...base, availabilityZone: 'bu:nova' })).toEqual({
      provider: 'bu',
      reason: 'availability_zone',
      dropAvailabilityZone: true,
      zone: 'nova',
    });
    expect(place({ ...base, availabilityZone: 'bu:' })).toEqual({
      provider: 'bu',
      reason: 'availability_zone',
      dropAvailabilityZone: true,
    });
  });

  it("leaves a provider's own zone and Nova's admin zone:host alone", () => {
    expect(zoneAtProvider('nova:host1', known)).toBeUndefined();
    expect(zoneAtProvider('nova', known)).toBeUndefined();
    expect(place({ ...base, availabilityZone: 'nova:host1' })).toMatchObject({ dropAvailabilityZone: false });
  });
});

describe('least-used', () => {
  it.each([
    [{ home: 5, bu: 3, nu: 8 }, 'bu'],
    // nu has weight 2: 5 containers count as 2.5
    [{ home: 5, bu: 3, nu: 5 }, 'nu'],
    // ties go to the higher-priority provider
    [{ home: 2, bu: 2, nu: 4 }, 'home'],
    // unreachable providers (no figure) are not candidates
    [{ bu: 9 }, 'bu'],
  ])('with %j → %s', (usage, expected) => {
    expect(by({ policy: 'least-used', usage: figures(usage) })).toBe(expected);
  });

  it('falls back to home with no figures (the Nova, Cinder and Glance fronts pass none); weight 0 is never chosen', () => {
    expect(by({ policy: 'least-used', usage: new Map() })).toBe('home');
    expect(place({ ...base, policy: 'least-used' }).provider).toBe('home');
    const zero = [
      { name: 'home', weight: 0 },
      { name: 'bu', weight: 1 },
    ];
    expect(by({ policy: 'least-used', providers: zero, usage: figures({ home: 0, bu: 7 }) })).toBe('bu');
  });
});

describe('cheapest and most-headroom', () => {
  it('cheapest picks the lowest price; providers without a price are no candidates; ties by priority', () => {
    expect(by({ policy: 'cheapest', prices: figures({ home: 0.1, bu: 0.05 }) })).toBe('bu');
    expect(by({ policy: 'cheapest', prices: figures({ home: 0.1, nu: 0.1 }) })).toBe('home');
    expect(by({ policy: 'cheapest', prices: figures({ nu: 3 }) })).toBe('nu');
    expect(by({ policy: 'cheapest' })).toBe('home');
    // A price of a provider that is no candidate (not chosen by the project) does not count.
    expect(by({ policy: 'cheapest', providers: providers.slice(0, 2), prices: figures({ home: 2, nu: 1 }) })).toBe(
      'home',
    );
  });

  it('most-headroom picks the most quota left, unlimited (Infinity) first', () => {
    expect(by({ policy: 'most-headroom', headroom: figures({ home: 3, bu: 7 }) })).toBe('bu');
    expect(by({ policy: 'most-headroom', headroom: figures({ home: 3, nu: Infinity }) })).toBe('nu');
    expect(by({ policy: 'most-headroom' })).toBe('home');
  });

  it('a service uses its own policy when the config names one', () => {
    expect(placementPolicy({ policy: 'home', services: { volume: 'cheapest' } }, 'volume')).toBe('cheapest');
    expect(placementPolicy({ policy: 'home', services: { volume: 'cheapest' } }, 'compute')).toBe('home');
  });

  it('names the figures each policy needs', () => {
    expect(placementFigures('least-used')).toBe('usage');
    expect(placementFigures('cheapest')).toBe('prices');
    expect(placementFigures('most-headroom')).toBe('headroom');
    expect(placementFigures('home')).toBeUndefined();
    expect(placementFigures('bu')).toBeUndefined();
  });
});

describe("among a container's holders (a union container's new object, a segments container)", () => {
  it.each([
    ['home', ['home', 'bu'], 'home'],
    ['home', ['bu', 'nu'], 'bu'],
    ['nu', ['home', 'nu'], 'nu'],
    ['least-used', ['bu', 'nu'], 'bu'],
    // cheapest/most-headroom have no figures per container: the item stays with its holders, home first
    ['cheapest', ['bu', 'home'], 'home'],
    ['most-headroom', ['bu'], 'bu'],
  ])('policy %s, holders %j → %s', (policy, holders, expected) => {
    expect(place({ ...base, policy, holders })).toMatchObject({ provider: expected, reason: 'holders' });
  });
});
