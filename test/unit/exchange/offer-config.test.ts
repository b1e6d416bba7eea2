import { ConfigError, compileConfig } from '../../../src/config/load';

const base = (offer?: unknown, placement?: unknown): Record<string, unknown> => ({
  listen: { port: 8080 },
  public_url: 'http://127.0.0.1:8080',
  home: 'home',
  ...(placement ? { placement } : {}),
  providers: {
    home: { keystone_url: 'http://127.0.0.1:5001', ...(offer !== undefined ? { offer } : {}) },
    bu: { keystone_url: 'http://127.0.0.1:5002' },
  },
});

function problems(raw: unknown): string[] {
  try {
    compileConfig(raw, 'ocx.yaml', process.cwd());
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('providers.*.offer', () => {
  it('compiles an offer with prices, SLA and defaults', () => {
    const c = compileConfig(
      base({
        display_name: 'Home',
        currency: 'EUR',
        url: 'https://home.example',
        prices: { volume_gib_month: 0.1, flavor_hour: { 'm1.small': 0.02 } },
        sla: { availability: 99.9, support: '24/7' },
      }),
      'ocx.yaml',
      process.cwd(),
    );
    const home = c.providers.find((p) => p.name === 'home');
    expect(home?.offer).toEqual({
      displayName: 'Home',
      description: '',
      url: 'https://home.example',
      currency: 'EUR',
      prices: {
        volumeGibMonth: 0.1,
        objectGibMonth: undefined,
        imageGibMonth: undefined,
        flavorHour: { 'm1.small': 0.02 },
      },
      sla: { availability: 99.9, support: '24/7' },
    });
    expect(c.providers.find((p) => p.name === 'bu')?.offer).toBeUndefined();
    expect(c.cache.providerChoiceTtlMs).toBe(10_000);
  });

  it.each([
    [{ currency: 'EUR' }, 'providers.home.offer.display_name: is required'],
    [{ display_name: 'x', currency: 'euro' }, 'providers.home.offer.currency: must be an ISO 4217 code'],
    [
      { display_name: 'x', currency: 'EUR', prices: { volume_gib_month: -1 } },
      'providers.home.offer.prices.volume_gib_month: must be 0 or more',
    ],
    [
      { display_name: 'x', currency: 'EUR', prices: { volume_gib_month: 'cheap' } },
      'providers.home.offer.prices.volume_gib_month: must be number (got string)',
    ],
    [
      { display_name: 'x', currency: 'EUR', prices: { flavor_hour: { 'm1.small': 'a' } } },
      'providers.home.offer.prices.flavor_hour.m1.small: must be number (got string)',
    ],
    [
      { display_name: 'x', currency: 'EUR', sla: { availability: 101 } },
      'providers.home.offer.sla.availability: must be a percentage between 0 and 100',
    ],
    [{ display_name: 'x', currency: 'EUR', price: {} }, 'providers.home.offer: unknown key(s) "price"'],
  ])('a malformed offer %j fails naming the key', (offer, message) => {
    expect(problems(base(offer)).join('\n')).toContain(message);
  });
});

describe('placement policies', () => {
  it('accepts cheapest and most-headroom, per service too', () => {
    const c = compileConfig(
      base(undefined, { policy: 'most-headroom', services: { volume: 'cheapest', image: 'bu' } }),
      'ocx.yaml',
      process.cwd(),
    );
    expect(c.placement).toEqual({ policy: 'most-headroom', services: { volume: 'cheapest', image: 'bu' } });
  });

  it('refuses an unknown policy for a service, naming it', () => {
    expect(problems(base(undefined, { services: { volume: 'cheap' } })).join('\n')).toContain(
      'placement.services.volume: must be home, least-used, cheapest, most-headroom or a provider name (got "cheap")',
    );
  });
});
