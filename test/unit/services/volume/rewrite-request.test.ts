import {
  dropZone,
  rewriteAttachmentCreate,
  rewriteSnapshotCreate,
  rewriteVolumeCreate,
} from '../../../../src/services/volume/rewrite-request';
import { deepFreeze } from '../front-engine/deep-freeze';

const known = ['home', 'bu-keystone'];

describe('Cinder request bodies with @provider', () => {
  it('volume create: name suffix, availability zone, sources', () => {
    const body = deepFreeze({
      volume: {
        size: 1,
        name: 'data@bu-keystone',
        availability_zone: 'bu-keystone',
        snapshot_id: 's@bu-keystone',
        imageRef: 'i@home',
      },
    });
    const out = rewriteVolumeCreate(body, known);
    expect(out.body).toEqual({
      volume: { size: 1, name: 'data', availability_zone: 'bu-keystone', snapshot_id: 's', imageRef: 'i' },
    });
    expect(out.nameProvider).toBe('bu-keystone');
    expect(out.availabilityZone).toBe('bu-keystone');
    expect(out.refs).toEqual([
      { kind: 'snapshot', id: 's', provider: 'bu-keystone' },
      { kind: 'image', id: 'i', provider: 'home' },
    ]);
    expect(dropZone(out.body, 'volume')).toEqual({
      volume: { size: 1, name: 'data', snapshot_id: 's', imageRef: 'i' },
    });
  });

  it('a name without a known suffix is left alone only when it has no "@"', () => {
    expect(rewriteVolumeCreate({ volume: { name: 'plain' } }, known).body).toEqual({ volume: { name: 'plain' } });
    expect(() => rewriteVolumeCreate({ volume: { name: 'a@mars' } }, known)).toThrow(/mars/);
  });

  it('snapshot and attachment creates name their volume', () => {
    expect(rewriteSnapshotCreate(deepFreeze({ snapshot: { volume_id: 'v@bu-keystone' } }), known).refs).toEqual([
      { kind: 'volume', id: 'v', provider: 'bu-keystone' },
    ]);
    const att = rewriteAttachmentCreate(
      deepFreeze({ attachment: { volume_uuid: 'v@bu-keystone', instance_uuid: 's@home' } }),
      known,
    );
    expect(att.body).toEqual({ attachment: { volume_uuid: 'v', instance_uuid: 's' } });
  });
});
