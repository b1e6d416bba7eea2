import { choosePlacement, placeAmongHolders, placementNeedsUsage } from '../../../src/location/placement';

const providers = [
  { name: 'home', weight: 1 },
  { name: 'bu', weight: 1 },
  { name: 'nu', weight: 2 },
];

describe('choosePlacement', () => {
  it('home policy places at home', () => {
    expect(choosePlacement({ policy: 'home', home: 'home', providers })).toBe('home');
  });

  it('a provider name places there', () => {
    expect(choosePlacement({ policy: 'bu', home: 'home', providers })).toBe('bu');
  });

  it.each([
    [{ home: 5, bu: 3, nu: 8 }, 'bu'],
    // nu has weight 2: 5 containers count as 2.5
    [{ home: 5, bu: 3, nu: 5 }, 'nu'],
    // ties go to the higher-priority provider
    [{ home: 2, bu: 2, nu: 4 }, 'home'],
    // unreachable providers (no figure) are not candidates
    [{ bu: 9 }, 'bu'],
  ])('least-used with %j → %s', (usage, expected) => {
    const map = new Map(Object.entries(usage));
    expect(choosePlacement({ policy: 'least-used', home: 'home', providers, usage: map })).toBe(expected);
  });

  it('least-used with no figures falls back to home; weight 0 is never chosen', () => {
    expect(choosePlacement({ policy: 'least-used', home: 'home', providers, usage: new Map() })).toBe('home');
    const zero = [
      { name: 'home', weight: 0 },
      { name: 'bu', weight: 1 },
    ];
    expect(
      choosePlacement({
        policy: 'least-used',
        home: 'home',
        providers: zero,
        usage: new Map([
          ['home', 0],
          ['bu', 7],
        ]),
      }),
    ).toBe('bu');
  });

  it('only least-used needs usage figures', () => {
    expect(placementNeedsUsage('least-used')).toBe(true);
    expect(placementNeedsUsage('home')).toBe(false);
  });
});

describe("placeAmongHolders (a union container's new object)", () => {
  it.each([
    ['home', ['home', 'bu'], 'home'],
    ['home', ['bu', 'nu'], 'bu'],
    ['nu', ['home', 'nu'], 'nu'],
    ['least-used', ['bu', 'nu'], 'bu'],
  ])('policy %s, holders %j → %s', (policy, holders, expected) => {
    expect(placeAmongHolders(policy, 'home', holders)).toBe(expected);
  });
});
