import { mergeAvailabilityZones, mergeVolumeTypes } from '../../../../src/services/volume/merge-collections';
import { deepFreeze } from '../front-engine/deep-freeze';

describe('Cinder small collections over providers', () => {
  it('volume types: one per name, first provider wins', () => {
    const docs = deepFreeze([
      {
        provider: 'home',
        doc: {
          volume_types: [
            { id: 'h1', name: '__DEFAULT__' },
            { id: 'h2', name: 'lvm' },
          ],
        },
      },
      {
        provider: 'bu',
        doc: {
          volume_types: [
            { id: 'b1', name: '__DEFAULT__' },
            { id: 'b2', name: 'ceph' },
          ],
        },
      },
    ]);
    expect(mergeVolumeTypes(docs)).toEqual({
      volume_types: [
        { id: 'h1', name: '__DEFAULT__' },
        { id: 'h2', name: 'lvm' },
        { id: 'b2', name: 'ceph' },
      ],
    });
  });

  it('availability zones: union plus one zone per provider (unavailable when it did not answer)', () => {
    const docs = deepFreeze([
      { provider: 'home', doc: { availabilityZoneInfo: [{ zoneName: 'nova', zoneState: { available: false } }] } },
      { provider: 'bu', doc: { availabilityZoneInfo: [{ zoneName: 'nova', zoneState: { available: true } }] } },
    ]);
    expect(mergeAvailabilityZones(docs, ['home', 'bu', 'nu'])).toEqual({
      availabilityZoneInfo: [
        { zoneName: 'nova', zoneState: { available: true } },
        { zoneName: 'home', zoneState: { available: true } },
        { zoneName: 'bu', zoneState: { available: true } },
        { zoneName: 'nu', zoneState: { available: false } },
      ],
    });
  });
});
