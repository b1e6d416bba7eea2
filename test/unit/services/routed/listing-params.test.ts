import { guardAllTenants, markerNotFound, nextQuery, parseLimit } from '../../../../src/services/routed/listing-params';

describe('listing parameters', () => {
  it('parses limits in the services\' words', () => {
    expect(parseLimit(null)).toBeUndefined();
    expect(parseLimit('25')).toBe(25);
    expect(() => parseLimit('-1')).toThrow('limit param must be positive');
    expect(() => parseLimit('ten')).toThrow('limit param must be an integer');
  });

  it('refuses all_tenants unless admin', () => {
    expect(() => guardAllTenants(new URLSearchParams('all_tenants=1'), ['member'])).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => guardAllTenants(new URLSearchParams('all_tenants'), ['member'])).toThrow();
    expect(() => guardAllTenants(new URLSearchParams('all_tenants=False'), ['member'])).not.toThrow();
    expect(() => guardAllTenants(new URLSearchParams('all_tenants=true'), ['admin'])).not.toThrow();
  });

  it('answers an unknown marker as each service does', () => {
    expect(markerNotFound('nova', 'm').status).toBe(400);
    expect(markerNotFound('glance', 'm').status).toBe(400);
    expect(markerNotFound('cinder', 'm').status).toBe(404);
  });

  it('builds the next query from the client\'s, without touching it', () => {
    const p = new URLSearchParams('name=x&sort_key=a&sort_key=b');
    expect(nextQuery(p, 2, 'm1')).toBe('name=x&sort_key=a&sort_key=b&limit=2&marker=m1');
    expect(p.toString()).toBe('name=x&sort_key=a&sort_key=b');
  });
});
