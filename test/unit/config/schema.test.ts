import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, compileConfig, loadConfigFile } from '../../../src/config/load';

const valid = () => ({
  listen: { host: '127.0.0.1', port: 8080 },
  public_url: 'http://127.0.0.1:8080',
  home: 'home',
  catalog: { template: 'catalog-templates/default.yaml' },
  providers: {
    home: { keystone_url: 'http://127.0.0.1:5001', priority: 1 },
    'bu-keystone': { keystone_url: 'http://127.0.0.1:5002/v3', sp_id: 'bu-sp', priority: 2 },
  },
});

function problems(raw: unknown): string[] {
  try {
    compileConfig(raw, 'ocx.yaml', process.cwd());
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('config schema', () => {
  it('compiles a valid config with defaults and normalised URLs', () => {
    const c = compileConfig(valid(), 'ocx.yaml', process.cwd());
    expect(c.providers.map((p) => p.name)).toEqual(['home', 'bu-keystone']);
    expect(c.providers[1]?.keystoneUrl).toBe('http://127.0.0.1:5002');
    expect(c.providers[1]?.spId).toBe('bu-sp');
    expect(c.cache.tokenTtlMs).toBe(300_000);
    expect(c.timeouts.connectMs).toBe(2000);
    expect(c.limits.jsonBodyBytes).toBe(1024 * 1024);
  });

  it.each([
    ['listen', (c: Record<string, unknown>) => delete c['listen'], /^listen: is required/],
    [
      'listen.port',
      (c: Record<string, unknown>) => delete (c['listen'] as Record<string, unknown>)['port'],
      /^listen\.port: is required/,
    ],
    ['public_url', (c: Record<string, unknown>) => delete c['public_url'], /^public_url: is required/],
    ['home', (c: Record<string, unknown>) => delete c['home'], /^home: is required/],
    ['providers', (c: Record<string, unknown>) => delete c['providers'], /^providers: is required/],
  ])('names the missing key %s', (_key, mutate, expected) => {
    const c = valid() as unknown as Record<string, unknown>;
    mutate(c);
    expect(problems(c).join('\n')).toMatch(expected);
  });

  it.each([
    ['public_url', { public_url: 'ftp://x' }, /^public_url: must be an http\(s\) URL \(got "ftp:\/\/x"\)/],
    ['listen.port', { listen: { port: 'eighty' } }, /^listen\.port: must be number \(got string\)/],
    ['home', { home: 'nowhere' }, /^home: must name a provider \(known: home, bu-keystone\)/],
    ['placement.policy', { placement: { policy: 'random' } }, /^placement\.policy: must be home, least-used/],
    ['cache.token_ttl', { cache: { token_ttl: 'forever' } }, /^cache\.token_ttl: must be an interval/],
    ['unknown key', { colour: 'blue' }, /unknown key\(s\) "colour"/],
  ])('rejects a malformed %s with a message naming it', (_k, patch, expected) => {
    expect(problems({ ...valid(), ...patch }).join('\n')).toMatch(expected);
  });

  it('names the provider key that is wrong', () => {
    const c = valid();
    (c.providers['bu-keystone'] as Record<string, unknown>)['keystone_url'] = 'not a url';
    expect(problems(c)).toContain('providers.bu-keystone.keystone_url: must be an http(s) URL (got "not a url")');
  });

  it('requires a keystone_url or static object-store credentials per provider', () => {
    const c = valid() as unknown as { providers: Record<string, unknown> };
    c.providers['empty'] = { priority: 3 };
    expect(problems(c).join('\n')).toMatch(/providers\.empty: needs keystone_url/);
  });

  it('reports a missing catalog template file', () => {
    expect(problems({ ...valid(), catalog: { template: 'nope.yaml' } }).join('\n')).toMatch(
      /catalog\.template: file not found/,
    );
  });

  it('loads YAML files and names the file in errors', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ocx-'));
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'listen: [unclosed');
    expect(() => loadConfigFile(file)).toThrow(/bad\.yaml: invalid configuration[\s\S]*not valid YAML/);
  });
});
