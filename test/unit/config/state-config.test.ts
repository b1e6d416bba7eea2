import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError, compileConfig } from '../../../src/config/load';
import { configSchema } from '../../../src/config/schema';

const KEY = Buffer.alloc(32, 7).toString('base64url');
const base = (extra: Record<string, unknown> = {}) => ({
  listen: { port: 8080 },
  public_url: 'http://127.0.0.1:8080',
  home: 'home',
  providers: {
    home: { keystone_url: 'http://127.0.0.1:5001' },
    swift: {
      object_store: {
        auth: 'tempauth',
        auth_url: 'http://127.0.0.1:8083/auth/v1.0',
        accounts: { demo: { user: 'a:b', key: 'k' as unknown } },
      },
    },
  },
  ...extra,
});
const dir = mkdtempSync(path.join(tmpdir(), 'ocx-state-'));

function problems(raw: unknown, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    compileConfig(raw, 'ocx.yaml', dir, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('config: state (shared caches)', () => {
  it('defaults to memory', () => {
    expect(compileConfig(base(), 'ocx.yaml', dir, {}).state).toEqual({ backend: 'memory' });
  });

  it('compiles redis with its defaults', () => {
    const c = compileConfig(
      base({ state: { backend: 'redis', redis_url: 'redis://:pw@10.0.0.5:6379/2', encryption_key: KEY } }),
      'ocx.yaml',
      dir,
      {},
    );
    expect(c.state).toEqual({
      backend: 'redis',
      redisUrl: 'redis://:pw@10.0.0.5:6379/2',
      keyPrefix: 'ocx:',
      encryptionKey: new Uint8Array(Buffer.alloc(32, 7)),
      commandTimeoutMs: 250,
    });
  });

  it.each([
    [
      'redis without redis_url',
      { backend: 'redis', encryption_key: KEY },
      'state.redis_url: is required with backend redis',
    ],
    [
      'redis without encryption_key',
      { backend: 'redis', redis_url: 'redis://127.0.0.1:6379' },
      'state.encryption_key: is required with backend redis',
    ],
    ['unknown backend', { backend: 'memcached' }, 'state.backend: Invalid enum value'],
    [
      'a short key',
      { backend: 'redis', redis_url: 'redis://127.0.0.1', encryption_key: 'c2hvcnQ' },
      'state.encryption_key: must be 32 random bytes in base64url',
    ],
    [
      'an http URL',
      { backend: 'redis', redis_url: 'http://127.0.0.1:6379', encryption_key: KEY },
      'state.redis_url: must be a redis:// or rediss:// URL',
    ],
    ['a bad prefix', { key_prefix: 'has space' }, 'state.key_prefix: must be 1-64 letters'],
    ['a bad timeout', { command_timeout: 'soon' }, 'state.command_timeout: must be an interval'],
    ['an unknown key', { redis: 'x' }, 'state: unknown key(s) "redis"'],
    [
      'a malformed reference',
      { backend: 'redis', redis_url: { vault: 'x' }, encryption_key: KEY },
      'state.redis_url: must be a string, { env: NAME } or { file: PATH }',
    ],
  ])('%s', (_name, state, expected) => {
    expect(problems(base({ state })).join('\n')).toContain(expected);
  });

  it('never echoes a redis URL back (it may carry a password)', () => {
    const p = problems(base({ state: { backend: 'redis', redis_url: 'http://:hunter2@x', encryption_key: KEY } }));
    expect(p.join('\n')).not.toContain('hunter2');
  });
});

describe('config: secrets by reference ({ env } / { file })', () => {
  it('resolves state secrets and tempauth keys from the environment and from files', () => {
    writeFileSync(path.join(dir, 'state-key'), `${KEY}\n`);
    const raw = base({
      state: { backend: 'redis', redis_url: { env: 'OCX_REDIS_URL' }, encryption_key: { file: 'state-key' } },
    });
    raw.providers.swift.object_store.accounts.demo.key = { env: 'SWIFT_KEY' };
    const c = compileConfig(raw, 'ocx.yaml', dir, { OCX_REDIS_URL: 'redis://127.0.0.1:6390', SWIFT_KEY: 's3cret' });
    expect(c.state).toMatchObject({ backend: 'redis', redisUrl: 'redis://127.0.0.1:6390' });
    expect(c.state.backend === 'redis' && Buffer.from(c.state.encryptionKey).toString('base64url')).toBe(KEY);
    expect(c.providers.find((p) => p.name === 'swift')?.objectStore?.accounts['demo']?.key).toBe('s3cret');
  });

  it('names the key and the variable or file, never the value', () => {
    writeFileSync(path.join(dir, 'bad-key'), 'not-a-key-at-all');
    const raw = base({
      state: { backend: 'redis', redis_url: { env: 'OCX_REDIS_URL' }, encryption_key: { file: 'bad-key' } },
    });
    raw.providers.swift.object_store.accounts.demo.key = { file: 'missing' };
    const p = problems(raw, {});
    expect(p).toEqual([
      `providers.swift.object_store.accounts.demo.key: cannot read file ${path.join(dir, 'missing')} (ENOENT)`,
      'state.redis_url: environment variable OCX_REDIS_URL is not set',
      expect.stringMatching(/^state\.encryption_key: must be 32 random bytes in base64url/),
    ]);
    expect(p.join('\n')).not.toContain('not-a-key-at-all');
  });

  it('checks a referenced redis URL like an inline one', () => {
    const raw = base({ state: { backend: 'redis', redis_url: { env: 'U' }, encryption_key: KEY } });
    expect(problems(raw, { U: 'memcache://x' })).toEqual([
      'state.redis_url: must be a redis:// or rediss:// URL (e.g. redis://127.0.0.1:6379/0)',
    ]);
  });
});

describe('docs/configuration.md', () => {
  it('its full example (state included) passes the schema', () => {
    const doc = readFileSync(path.resolve(__dirname, '../../../docs/configuration.md'), 'utf8');
    const example = /## Full example\s+```yaml\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const result = configSchema.safeParse(parseYaml(example));
    expect(result.success ? [] : result.error.issues).toEqual([]);
    expect(result.success && result.data.state).toMatchObject({
      backend: 'memory',
      redis_url: { env: 'OCX_REDIS_URL' },
    });
  });
});
