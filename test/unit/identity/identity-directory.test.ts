import { IdentityDirectory } from '../../../src/identity/identity-directory';
import { translateAcl, withOwnProject } from '../../../src/services/object-store/acl-ids';
import { memoryCache } from '../../../src/state/cache';

const lists = (projects: string[], users: string[] = []) => ({ projects, users });

function directory(): IdentityDirectory {
  return new IdentityDirectory(memoryCache(100));
}

const alice = {
  userId: 'u-home',
  userName: 'alice',
  userDomainId: 'default',
  projectId: 'p-home',
  projectName: 'lab',
  projectDomainId: 'default',
};

describe('the identity directory (ACL grantee ids per provider, from token answers)', () => {
  it('maps home ids to the provider’s and back, per provider', async () => {
    const d = directory();
    await d.learn('bu', alice, { userId: 'u-bu', projectId: 'p-bu' });
    const fwd = await d.toProvider('bu', lists(['p-home', 'p-x'], ['u-home']));
    expect([...fwd.projects]).toEqual([['p-home', 'p-bu']]);
    expect([...fwd.users]).toEqual([['u-home', 'u-bu']]);
    expect([...(await d.toHome('bu', lists(['p-bu'], ['u-bu']))).projects]).toEqual([['p-bu', 'p-home']]);
    expect((await d.toProvider('nu', lists(['p-home']))).projects.size).toBe(0);
  });

  it('a provider project two home projects map to is not translated back (ambiguous)', async () => {
    const d = directory();
    await d.learn('bu', alice, { userId: 'u-bu', projectId: 'shared' });
    await d.learn(
      'bu',
      { ...alice, projectId: 'p-home2', projectName: 'lab2' },
      { userId: 'u-bu', projectId: 'shared' },
    );
    expect((await d.toHome('bu', lists(['shared']))).projects.size).toBe(0);
    expect((await d.toProvider('bu', lists(['p-home2']))).projects.get('p-home2')).toBe('shared');
  });

  it('default-domain names resolve to the provider’s ids only when asked, and only as a pair in an ACL', async () => {
    const d = directory();
    await d.learn('bu', alice, { userId: 'u-bu', projectId: 'p-bu' });
    await d.learn(
      'bu',
      { ...alice, userId: 'u2', userName: 'bob', userDomainId: 'other' },
      { userId: 'u2-bu', projectId: 'p-bu' },
    );
    expect((await d.toProvider('bu', lists(['lab'], ['alice']))).projectNames).toBeUndefined();
    const ids = await d.toProvider('bu', lists(['lab'], ['alice', 'bob']), true);
    expect([...(ids.projectNames ?? [])]).toEqual([['lab', 'p-bu']]);
    // bob is not in the default domain: names never name him.
    expect([...(ids.userNames ?? [])]).toEqual([['alice', 'u-bu']]);
    expect(translateAcl('lab:alice,lab:*,lab:bob,p-home:alice,.r:*', ids)).toBe(
      'p-bu:u-bu,p-bu:*,lab:bob,p-home:alice,.r:*',
    );
  });

  it('remembers what an owner wrote for a value it translated, per provider and account', async () => {
    const d = directory();
    d.remember('bu', 'AUTH_a', 'p-bu:u-bu', 'lab:alice');
    expect(await d.written('bu', 'AUTH_a', 'p-bu:u-bu')).toBe('lab:alice');
    expect(await d.written('bu', 'AUTH_b', 'p-bu:u-bu')).toBeUndefined();
    expect(await d.written('nu', 'AUTH_a', 'p-bu:u-bu')).toBeUndefined();
    expect(translateAcl('p-home:*', withOwnProject({ projects: new Map(), users: new Map() }, 'p-home', 'p-bu'))).toBe(
      'p-bu:*',
    );
  });
});
