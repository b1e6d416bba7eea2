import { ConfigError, compileConfig } from '../../../src/config/load';
import type { TokenInfo } from '../../../src/identity/token-info';
import { staticAccountFor } from '../../../src/identity/static-accounts';

// A static-credential Swift provider keeps home projects apart: each home project is mapped to its own tempauth
// account; one account for all of them only with the explicit, unsafe shared_account: true.

const raw = (objectStore: Record<string, unknown>) => ({
  listen: { port: 8080 },
  public_url: 'http://127.0.0.1:8080',
  home: 'home',
  providers: {
    home: { keystone_url: 'http://127.0.0.1:5001' },
    vault: { object_store: { auth: 'tempauth', auth_url: 'http://127.0.0.1:8083/auth/v1.0', ...objectStore } },
  },
});

function problems(objectStore: Record<string, unknown>): string[] {
  try {
    compileConfig(raw(objectStore), 'ocx.yaml', process.cwd(), { K: 'from-env' });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

function store(objectStore: Record<string, unknown>) {
  const c = compileConfig(raw(objectStore), 'ocx.yaml', process.cwd(), { K: 'from-env' });
  return c.providers.find((p) => p.name === 'vault')?.objectStore;
}

const P = 'vault.object_store';

describe('object_store of a static-credential provider', () => {
  it('maps home projects (id or name) to their own accounts; keys may be references', () => {
    const os = store({
      accounts: { demo: { user: 'demo:ocx', key: 'k1' }, '0123abcd': { user: 'other:ocx', key: { env: 'K' } } },
    });
    expect(os?.accounts).toEqual({
      demo: { user: 'demo:ocx', key: 'k1' },
      '0123abcd': { user: 'other:ocx', key: 'from-env' },
    });
    expect(os?.shared).toBeUndefined();
  });

  it('one account for everybody without shared_account is refused, naming accounts and the opt-in', () => {
    const p = problems({ user: 'test:tester', key: 'testing' });
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(new RegExp(`^providers\\.${P}\\.accounts: is required: .*shared_account: true \\(unsafe`));
  });

  it('shared_account: true keeps the single account, explicitly', () => {
    const os = store({ shared_account: true, user: 'test:tester', key: 'testing' });
    expect(os?.shared).toEqual({ user: 'test:tester', key: 'testing' });
    expect(os?.accounts).toEqual({});
  });

  it.each([
    [
      'shared with accounts',
      { shared_account: true, user: 'a:b', key: 'k', accounts: { demo: { user: 'a:b', key: 'k' } } },
      [`providers.${P}.accounts: cannot be combined with shared_account: true`],
    ],
    [
      'shared without user and key',
      { shared_account: true },
      [
        `providers.${P}.user: is required with shared_account: true`,
        `providers.${P}.key: is required with shared_account: true`,
      ],
    ],
    [
      'accounts and a top-level user',
      { accounts: { demo: { user: 'a:b', key: 'k' } }, user: 'x:y' },
      [`providers.${P}.user: is only for shared_account: true; each home project has its own under accounts`],
    ],
    ['no project mapped', { accounts: {} }, [`providers.${P}.accounts: must map at least one home project`]],
    [
      'a user that is not account:user',
      { accounts: { demo: { user: 'tester', key: 'k' } } },
      [`providers.${P}.accounts.demo.user: must be a tempauth user "account:user"`],
    ],
    [
      'two home projects in one tempauth account',
      { accounts: { demo: { user: 'test:tester', key: 'k' }, other: { user: 'test:tester3', key: 'k3' } } },
      [
        `providers.${P}.accounts.other.user: is in tempauth account "test", already mapped to home project "demo": ` +
          'each home project needs its own account',
      ],
    ],
    [
      'an unknown key',
      { accounts: { demo: { user: 'a:b', key: 'k', prefix: 'x' } } },
      [expect.stringMatching(new RegExp(`^providers\\.${P}\\.accounts\\.demo: .*prefix`))],
    ],
  ])('refuses %s', (_name, objectStore, expected) => {
    expect(problems(objectStore)).toEqual(expected);
  });
});

describe('staticAccountFor', () => {
  const info = (projectId?: string, projectName?: string): TokenInfo =>
    ({ userId: 'u', projectId, projectName, roles: [], catalog: [], serviceProviders: [] }) as unknown as TokenInfo;
  const os = {
    auth: 'tempauth' as const,
    authUrl: 'http://x/auth/v1.0',
    accounts: { demo: { user: 'd:u', key: '1' }, pid2: { user: 'o:u', key: '2' } },
  };

  it('finds the account by home project id, then by name', () => {
    expect(staticAccountFor(os, info('pid2', 'other'))?.user).toBe('o:u');
    expect(staticAccountFor(os, info('pid1', 'demo'))?.user).toBe('d:u');
    // An id mapping wins over a name mapping of another project.
    expect(staticAccountFor(os, info('pid2', 'demo'))?.user).toBe('o:u');
  });

  it('gives an unmapped or unscoped caller nothing, never another project’s account', () => {
    expect(staticAccountFor(os, info('pid3', 'admin'))).toBeUndefined();
    expect(staticAccountFor(os, info(undefined, undefined))).toBeUndefined();
    expect(staticAccountFor(os, info('x', 'constructor'))).toBeUndefined();
    expect(staticAccountFor(os, info('__proto__', 'toString'))).toBeUndefined();
  });

  it('with shared_account, everyone gets the one account', () => {
    const shared = { ...os, accounts: {}, shared: { user: 's:u', key: 's' } };
    expect(staticAccountFor(shared, info('pid3', 'admin'))?.user).toBe('s:u');
  });
});
