import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, compileConfig } from '../../../src/config/load';
import { sentinelOptions } from '../../../src/state/redis-options';

const KEY = Buffer.alloc(32, 7).toString('base64url');
const dir = mkdtempSync(path.join(tmpdir(), 'ocx-sentinel-'));
const raw = (sentinel: unknown) => ({
  listen: { port: 8080 },
  public_url: 'http://127.0.0.1:8080',
  home: 'home',
  providers: { home: { keystone_url: 'http://127.0.0.1:5001' } },
  state: { backend: 'redis', redis_url: 'redis://:pw@ocx-master/1', encryption_key: KEY, sentinel },
});

function problems(sentinel: unknown, env: NodeJS.ProcessEnv = {}): string {
  try {
    compileConfig(raw(sentinel), 'ocx.yaml', dir, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.join('\n');
  }
  throw new Error('expected a ConfigError');
}

describe('config: state.sentinel (Redis through Sentinel)', () => {
  it('compiles nodes into host and port, IPv6 unbracketed, the password resolved by reference', () => {
    const c = compileConfig(
      raw({ name: 'ocx-master', nodes: ['10.0.0.7:26379', '[fd00::1]:26380'], password: { env: 'SENTINEL_PW' } }),
      'ocx.yaml',
      dir,
      { SENTINEL_PW: 'sentinel-secret' },
    );
    expect(c.state).toMatchObject({
      backend: 'redis',
      redisUrl: 'redis://:pw@ocx-master/1',
      sentinel: {
        name: 'ocx-master',
        nodes: [
          { host: '10.0.0.7', port: 26379 },
          { host: 'fd00::1', port: 26380 },
        ],
        password: 'sentinel-secret',
      },
    });
  });

  it('leaves sentinel out when it is not configured', () => {
    const c = compileConfig({ ...raw(undefined) }, 'ocx.yaml', dir, {});
    expect(c.state.backend === 'redis' && 'sentinel' in c.state).toBe(false);
  });

  it.each([
    ['no nodes', { name: 'm', nodes: [] }, 'state.sentinel.nodes: must list at least one Sentinel'],
    ['a node without port', { name: 'm', nodes: ['10.0.0.7'] }, 'state.sentinel.nodes.0: must be host:port'],
    ['a port too high', { name: 'm', nodes: ['h:70000'] }, 'state.sentinel.nodes.0: port must be at most 65535'],
    ['a bad name', { name: 'has space', nodes: ['h:1'] }, 'state.sentinel.name: must be the master name'],
    ['no name', { nodes: ['h:1'] }, 'state.sentinel.name'],
    ['an unknown key', { name: 'm', nodes: ['h:1'], role: 'slave' }, 'state.sentinel: unknown key(s) "role"'],
  ])('refuses %s', (_what, sentinel, expected) => {
    expect(problems(sentinel)).toContain(expected);
  });

  it('names an unset password variable, never a value', () => {
    expect(problems({ name: 'm', nodes: ['h:1'], password: { env: 'NOPE' } })).toBe(
      'state.sentinel.password: environment variable NOPE is not set',
    );
  });
});

describe('sentinelOptions (src/state/redis-options.ts)', () => {
  it('is empty without a sentinel: the URL alone is dialled', () => {
    expect(sentinelOptions(undefined)).toEqual({});
  });

  it('gives ioredis the Sentinels, the master name, their password and the failover handling', () => {
    const o = sentinelOptions({ name: 'm', nodes: [{ host: 'a', port: 1 }], password: 'p' });
    expect(o).toMatchObject({
      sentinels: [{ host: 'a', port: 1 }],
      name: 'm',
      sentinelPassword: 'p',
      failoverDetector: true,
    });
    const reconnect = o.reconnectOnError as (err: Error) => boolean;
    expect(reconnect(new Error("READONLY You can't write against a read only replica."))).toBe(true);
    expect(reconnect(new Error('ERR unknown command'))).toBe(false);
  });
});
