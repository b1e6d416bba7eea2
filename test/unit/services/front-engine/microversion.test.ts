import { checkMicroversion, rangeOf, requestedMicroversion } from '../../../../src/services/front-engine/microversion';

const range = { min: '2.1', max: '2.93' };

describe('microversion headers', () => {
  it('reads the modern and the legacy Nova header', () => {
    expect(requestedMicroversion({ 'openstack-api-version': 'compute 2.60' }, 'compute')).toBe('2.60');
    expect(requestedMicroversion({ 'x-openstack-nova-api-version': '2.5' }, 'compute')).toBe('2.5');
    expect(requestedMicroversion({ 'openstack-api-version': 'volume 3.44' }, 'compute')).toBeUndefined();
    expect(requestedMicroversion({ 'openstack-api-version': 'volume 3.44' }, 'volume')).toBe('3.44');
  });

  it.each(['banana', '2.', '-2.1', '2.1.1', '02.1', ''])('rejects %p as malformed (400)', (v) => {
    expect(() => checkMicroversion({ 'openstack-api-version': `compute ${v}` }, 'compute', range)).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });

  it.each(['2.94', '3.0', '1.1', '2.0'])('refuses %p outside the merged range (406)', (v) => {
    expect(() => checkMicroversion({ 'x-openstack-nova-api-version': v }, 'compute', range)).toThrow(
      expect.objectContaining({ status: 406 }),
    );
  });

  it.each(['2.1', '2.60', '2.93', 'latest'])('accepts %p', (v) => {
    expect(() => checkMicroversion({ 'x-openstack-nova-api-version': v }, 'compute', range)).not.toThrow();
  });

  it('takes the range from the CURRENT entry of a version document', () => {
    expect(
      rangeOf({
        versions: [
          { status: 'SUPPORTED', version: '', min_version: '' },
          { status: 'CURRENT', version: '3.70', min_version: '3.0' },
        ],
      }),
    ).toEqual({ min: '3.0', max: '3.70' });
    expect(rangeOf({ version: { status: 'CURRENT', version: '2.93', min_version: '2.1' } })).toEqual(range);
    expect(rangeOf({})).toBeUndefined();
  });
});
