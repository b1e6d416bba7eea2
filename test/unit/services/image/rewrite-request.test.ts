import {
  rewriteImageBody,
  rewriteImageCreate,
  rewriteImagePatch,
} from '../../../../src/services/image/rewrite-request';
import { deepFreeze } from '../front-engine/deep-freeze';

describe('Glance request bodies', () => {
  it('create: name@provider places the image and is stored without the suffix', () => {
    const out = rewriteImageCreate(deepFreeze({ name: 'cirros@bu', disk_format: 'qcow2' }), ['home', 'bu']);
    expect(out).toEqual({ body: { name: 'cirros', disk_format: 'qcow2' }, refs: [], nameProvider: 'bu' });
    expect(rewriteImageCreate(deepFreeze([1]), ['home']).body).toEqual([1]);
  });

  it('patch: an owner set to the home project becomes the provider project', () => {
    const ops = deepFreeze([
      { op: 'replace', path: '/owner', value: 'hp' },
      { op: 'replace', path: '/name', value: 'hp' },
    ]);
    expect(rewriteImagePatch(ops, { from: 'hp', to: 'pp' })).toEqual([
      { op: 'replace', path: '/owner', value: 'pp' },
      { op: 'replace', path: '/name', value: 'hp' },
    ]);
    expect(rewriteImagePatch(ops, undefined)).toBe(ops);
  });

  it('other bodies: member ids', () => {
    expect(rewriteImageBody(deepFreeze({ member: 'x', member_id: 'hp' }), { from: 'hp', to: 'pp' })).toEqual({
      member: 'x',
      member_id: 'pp',
    });
  });
});
