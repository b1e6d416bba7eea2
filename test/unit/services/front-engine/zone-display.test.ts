import { zoneAt } from '../../../../src/services/front-engine/zone-display';

describe('zone display', () => {
  it('reads PROVIDER:zone, PROVIDER while unset, and never doubles the provider', () => {
    expect(zoneAt({ a: 'nova' }, 'a', 'bu')).toEqual({ a: 'bu:nova' });
    expect(zoneAt({ a: null }, 'a', 'bu')).toEqual({ a: 'bu' });
    expect(zoneAt({ a: 'bu:nova' }, 'a', 'bu')).toEqual({ a: 'bu:nova' });
    expect(zoneAt({ b: 1 }, 'a', 'bu')).toEqual({ b: 1 });
  });
});
