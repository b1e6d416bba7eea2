import { parseArgs } from '../../../src/cli/args';
import { endpointProbeUrl, probeTargets } from '../../../src/cli/probe-targets';
import { compileConfig } from '../../../src/config/load';

describe('what check-config probes', () => {
  it.each([
    ['object-store', 'http://s:8080/v1/AUTH_{project_id}', 'http://s:8080/info'],
    ['compute', 'http://n:8774/v2.1/{project_id}', 'http://n:8774/v2.1/'],
    ['volume', 'https://c.example/volume/v3/{project_id}/', 'https://c.example/volume/v3/'],
    ['image', 'http://g:9292', 'http://g:9292'],
    ['identity', 'http://k:5000/v3', 'http://k:5000/v3'],
    ['compute', 'http://n/x/tenant_{project_id}', 'http://n/x/'],
  ] as const)('%s %s → %s', (service, template, expected) => {
    expect(endpointProbeUrl(service, template)).toBe(expected);
  });

  it('every Keystone, tempauth auth URL and endpoint override, per provider', () => {
    const config = compileConfig(
      {
        listen: { port: 0 },
        public_url: 'http://127.0.0.1:8080',
        home: 'home',
        providers: {
          home: { keystone_url: 'http://k1:5000/v3', endpoints: { compute: 'http://n:8774/v2.1/{project_id}' } },
          swift: {
            object_store: {
              auth: 'tempauth',
              auth_url: 'http://s:8080/auth/v1.0',
              accounts: { demo: { user: 'a:b', key: 'k' } },
            },
          },
        },
      },
      'ocx.yaml',
      process.cwd(),
    );
    expect(probeTargets(config)).toEqual([
      { provider: 'home', what: 'identity', url: 'http://k1:5000/v3' },
      { provider: 'home', what: 'compute', url: 'http://n:8774/v2.1/' },
      { provider: 'swift', what: 'object-store auth', url: 'http://s:8080/auth/v1.0' },
    ]);
  });
});

describe('subcommand arguments', () => {
  it('positionals, --name value, --name=value and flags', () => {
    const a = parseArgs(['f.yaml', '--timeout', '2s', '--url=http://x', '--json'], ['timeout', 'url']);
    expect(a.positional).toEqual(['f.yaml']);
    expect(Object.fromEntries(a.options)).toEqual({ timeout: '2s', url: 'http://x', json: true });
    expect(Object.fromEntries(parseArgs(['--offline', 'f.yaml'], ['timeout']).options)).toEqual({ offline: true });
  });
});
