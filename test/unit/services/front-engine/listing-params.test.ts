import {
  guardAllTenants,
  markerNotFound,
  nextQuery,
  parseLimit,
} from '../../../../src/services/front-engine/listing-params';

describe('listing parameters', () => {
  it("parses limits in the services' words", () => {
    expect(parseLimit(null)).toBeUndefined();
    expect(parseLimit('25')).toBe(25);
    expect(() => parseLimit('-1')).toThrow('limit param must be positive');
    expect(() => parseLimit('ten')).toThrow('limit param must be an integer');
  });

  it('all_tenants: Nova refuses it to a non-admin (403), Cinder ignores it, admins keep it', () => {
    const q = (s: string) => new URLSearchParams(s);
    expect(() => guardAllTenants('nova', q('all_tenants=1'), ['member'])).toThrow(
      expect.objectContaining({ status: 403 }),
    );
    expect(() => guardAllTenants('nova', q('all_tenants'), ['member'])).toThrow();
    expect(guardAllTenants('nova', q('all_tenants=False'), ['member']).toString()).toBe('all_tenants=False');
    expect(guardAllTenants('nova', q('all_tenants=true'), ['admin']).toString()).toBe('all_tenants=true');
    const asked = q('all_tenants=1&name=x');
    expect(guardAllTenants('cinder', asked, ['member']).toString()).toBe('name=x');
    expect(asked.toString()).toBe('all_tenants=1&name=x');
    expect(guardAllTenants('cinder', asked, ['admin'])).toBe(asked);
  });

  it('answers an unknown marker as each service does', () => {
    expect(markerNotFound('nova', 'm').status).toBe(400);
    expect(markerNotFound('glance', 'm').status).toBe(400);
    expect(markerNotFound('cinder', 'm').status).toBe(404);
  });

  it("builds the next query from the client's, without touching it", () => {
    const p = new URLSearchParams('name=x&sort_key=a&sort_key=b');
    expect(nextQuery(p, 2, 'm1')).toBe('name=x&sort_key=a&sort_key=b&limit=2&marker=m1');
    expect(p.toString()).toBe('name=x&sort_key=a&sort_key=b');
  });
});
