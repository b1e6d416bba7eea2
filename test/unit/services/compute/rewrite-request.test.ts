import {
  dropServerZone,
  rewriteServerAction,
  rewriteServerCreate,
  rewriteVolumeAttachment,
} from '../../../../src/services/compute/rewrite-request';
import { deepFreeze } from '../front-engine/deep-freeze';

const known = ['home', 'bu-keystone'];

describe('Nova request bodies with @provider', () => {
  it('server create: name, imageRef, BDM v2 by source type, BDM v1, availability zone', () => {
    const body = deepFreeze({
      server: {
        name: 'web@bu-keystone',
        imageRef: 'img@home',
        flavorRef: '1',
        availability_zone: 'bu-keystone',
        block_device_mapping_v2: [
          { uuid: 'vol@bu-keystone', source_type: 'volume', boot_index: 0 },
          { uuid: 'snap@bu-keystone', source_type: 'snapshot' },
          { uuid: 'img2@home', source_type: 'image' },
          { source_type: 'blank', volume_size: 1 },
        ],
        block_device_mapping: [{ volume_id: 'v1@bu-keystone', snapshot_id: 's1@home' }],
      },
    });
    const out = rewriteServerCreate(body, known);
    expect(out.body).toEqual({
      server: {
        name: 'web',
        imageRef: 'img',
        flavorRef: '1',
        availability_zone: 'bu-keystone',
        block_device_mapping_v2: [
          { uuid: 'vol', source_type: 'volume', boot_index: 0 },
          { uuid: 'snap', source_type: 'snapshot' },
          { uuid: 'img2', source_type: 'image' },
          { source_type: 'blank', volume_size: 1 },
        ],
        block_device_mapping: [{ volume_id: 'v1', snapshot_id: 's1' }],
      },
    });
    expect(out.nameProvider).toBe('bu-keystone');
    expect(out.availabilityZone).toBe('bu-keystone');
    expect(out.refs).toEqual([
      { kind: 'image', id: 'img', provider: 'home' },
      { kind: 'volume', id: 'vol', provider: 'bu-keystone' },
      { kind: 'snapshot', id: 'snap', provider: 'bu-keystone' },
      { kind: 'image', id: 'img2', provider: 'home' },
      { kind: 'volume', id: 'v1', provider: 'bu-keystone' },
      { kind: 'snapshot', id: 's1', provider: 'home' },
    ]);
    expect(dropServerZone(out.body)).not.toHaveProperty('server.availability_zone');
  });

  it('leaves bodies without suffixes (and malformed ones) to Nova', () => {
    const plain = deepFreeze({ server: { name: 'x', imageRef: 'uuid', flavorRef: '1' } });
    expect(rewriteServerCreate(plain, known)).toEqual({
      body: plain,
      refs: [],
      nameProvider: undefined,
      availabilityZone: undefined,
    });
    expect(rewriteServerCreate('nonsense', known).body).toBe('nonsense');
    expect(rewriteServerCreate({ server: { imageRef: 42 } }, known).body).toEqual({ server: { imageRef: 42 } });
  });

  it('volume attachment and swap: volumeId', () => {
    const out = rewriteVolumeAttachment(
      deepFreeze({ volumeAttachment: { volumeId: 'v@bu-keystone', device: null } }),
      known,
    );
    expect(out).toEqual({
      body: { volumeAttachment: { volumeId: 'v', device: null } },
      refs: [{ kind: 'volume', id: 'v', provider: 'bu-keystone' }],
    });
  });

  it('rebuild: imageRef', () => {
    const out = rewriteServerAction(deepFreeze({ rebuild: { imageRef: 'i@bu-keystone' } }), known);
    expect(out.body).toEqual({ rebuild: { imageRef: 'i' } });
    expect(rewriteServerAction({ reboot: { type: 'SOFT' } }, known).refs).toEqual([]);
  });

  it('an unknown provider is a 400', () => {
    expect(() => rewriteVolumeAttachment({ volumeAttachment: { volumeId: 'v@mars' } }, known)).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });
});
