import {
  towardsClient,
  towardsProvider,
  translateProjectIds,
  translateQueryProjects,
} from '../../../../src/services/front-engine/project-ids';
import { deepFreeze } from './deep-freeze';

const HOME = 'home-project';
const PROV = 'provider-project';

describe('project id translation', () => {
  it('translates every project-id key, nested, and nothing else', () => {
    const doc = deepFreeze({
      volume: {
        id: PROV, // an id that happens to equal the project id is not a project id
        'os-vol-tenant-attr:tenant_id': PROV,
        metadata: { project_id: PROV, note: PROV },
      },
      snapshots: [{ 'os-extended-snapshot-attributes:project_id': PROV }, { project_id: 'someone-else' }],
      owner: PROV,
      tenant_id: PROV,
    });
    const out = translateProjectIds(doc, towardsClient(HOME, PROV));
    expect(out).toEqual({
      volume: {
        id: PROV,
        'os-vol-tenant-attr:tenant_id': HOME,
        metadata: { project_id: HOME, note: PROV },
      },
      snapshots: [{ 'os-extended-snapshot-attributes:project_id': HOME }, { project_id: 'someone-else' }],
      owner: HOME,
      tenant_id: HOME,
    });
  });

  it('goes both ways', () => {
    const body = deepFreeze({ image: { owner: HOME } });
    const up = translateProjectIds(body, towardsProvider(HOME, PROV));
    expect(up).toEqual({ image: { owner: PROV } });
    expect(translateProjectIds(up, towardsClient(HOME, PROV))).toEqual(body);
  });

  it('is the identity at home (same project) and without a project', () => {
    const doc = deepFreeze({ project_id: HOME });
    expect(towardsProvider(HOME, HOME)).toBeUndefined();
    expect(towardsClient(undefined, PROV)).toBeUndefined();
    expect(translateProjectIds(doc, undefined)).toBe(doc);
  });

  it('translates project ids in query strings, keeping repeated keys', () => {
    const q = new URLSearchParams(`project_id=${HOME}&sort_key=a&sort_key=b&name=${HOME}`);
    const out = translateQueryProjects(q, towardsProvider(HOME, PROV));
    expect(out.toString()).toBe(`project_id=${PROV}&sort_key=a&sort_key=b&name=${HOME}`);
    expect(q.get('project_id')).toBe(HOME);
  });
});
