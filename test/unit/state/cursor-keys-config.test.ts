import { ConfigError, compileConfig } from '../../../src/config/load';

const KEY = Buffer.alloc(32, 7).toString('base64url');
const OTHER = Buffer.alloc(32, 9).toString('base64url');
const base = (state: Record<string, unknown>) => ({
  listen: { port: 8080 },
  public_url: 'http://127.0.0.1:8080',
  home: 'home',
  providers: { home: { keystone_url: 'http://127.0.0.1:5001' } },
  state,
});

function problems(raw: unknown, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    compileConfig(raw, 'ocx.yaml', '/tmp', env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('config: state.cursor_keys', () => {
  it('absent: no cursor keys (a random key per process or supervisor)', () => {
    expect(compileConfig(base({}), 'ocx.yaml', '/tmp', {}).cursors).toBeUndefined();
  });

  it('compiles keys in order, from inline values and environment variables, with the max age', () => {
    const c = compileConfig(
      base({
        cursor_keys: [
          { id: 'new', key: { env: 'K' } },
          { id: 'old', key: OTHER },
        ],
        cursor_max_age: '2h',
      }),
      'ocx.yaml',
      '/tmp',
      { K: KEY },
    );
    expect(c.cursors?.keys.map((k) => k.id)).toEqual(['new', 'old']);
    expect(Buffer.from(c.cursors?.keys[0]?.key as Uint8Array).toString('base64url')).toBe(KEY);
    expect(c.cursors?.maxAgeMs).toBe(7_200_000);
  });

  it('defaults the max age to 24h', () => {
    expect(
      compileConfig(base({ cursor_keys: [{ id: 'k', key: KEY }] }), 'ocx.yaml', '/tmp', {}).cursors?.maxAgeMs,
    ).toBe(86_400_000);
  });

  it('refuses short keys (inline and by reference), duplicate and bad ids, an empty list', () => {
    expect(problems(base({ cursor_keys: [{ id: 'k', key: 'short' }] })).join()).toMatch(/cursor_keys.*32 random bytes/);
    expect(problems(base({ cursor_keys: [{ id: 'k', key: { env: 'K' } }] }), { K: 'short' }).join()).toMatch(
      /cursor_keys.0.key.*32 random bytes/,
    );
    expect(
      problems(
        base({
          cursor_keys: [
            { id: 'k', key: KEY },
            { id: 'k', key: OTHER },
          ],
        }),
      ).join(),
    ).toMatch(/duplicate key id "k"/);
    expect(problems(base({ cursor_keys: [{ id: 'a.b', key: KEY }] })).join()).toMatch(/cursor_keys/);
    expect(problems(base({ cursor_keys: [] })).join()).toMatch(/at least one key/);
  });

  it('never echoes a key in a problem', () => {
    const bad = 'x'.repeat(40);
    expect(problems(base({ cursor_keys: [{ id: 'k', key: bad }] })).join()).not.toContain(bad);
  });
});
