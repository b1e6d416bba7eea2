import { parseServerArgs } from '../../../src/cli/server-args';

describe('parseServerArgs', () => {
  it.each([
    [['--config', 'a.yaml'], {}, { kind: 'proxy', configFile: 'a.yaml' }],
    [['--config=a.yaml'], {}, { kind: 'proxy', configFile: 'a.yaml' }],
    [[], { OCX_CONFIG: 'b.yaml' }, { kind: 'proxy', configFile: 'b.yaml' }],
    [['--config', 'a.yaml'], { OCX_CONFIG: 'b.yaml' }, { kind: 'proxy', configFile: 'a.yaml' }],
    [['demo'], {}, { kind: 'demo', port: 8080 }],
    [['demo'], { PORT: '18080' }, { kind: 'demo', port: 18080 }],
    [['demo', '--port', '0'], { PORT: '18080' }, { kind: 'demo', port: 0 }],
    [['--config', 'a.yaml', '--workers', '4'], {}, { kind: 'proxy', configFile: 'a.yaml', workers: 4 }],
    [['--config', 'a.yaml'], { OCX_WORKERS: '1' }, { kind: 'proxy', configFile: 'a.yaml', workers: 1 }],
    [['--config', 'a.yaml', '--workers=2'], { OCX_WORKERS: '8' }, { kind: 'proxy', configFile: 'a.yaml', workers: 2 }],
    [['demo', '--workers', '2'], {}, { kind: 'demo', port: 8080, workers: 2 }],
  ])('%j with %j', (argv, env, expected) => {
    expect(parseServerArgs(argv, env)).toEqual(expected);
  });

  it.each([
    [['--confg', 'x.yaml'], {}, "Unknown option '--confg'"],
    [['--config'], {}, "'--config <value>' argument missing"],
    [['--config', '--x'], {}, "'--config' argument is ambiguous"],
    [['--config='], {}, '--config: the file name is empty'],
    [[], {}, 'pass --config FILE or set OCX_CONFIG'],
    [[], { OCX_CONFIG: '' }, 'pass --config FILE or set OCX_CONFIG'],
    [['--port', '1'], {}, "Unknown option '--port'"],
    [['demo', '--config', 'a.yaml'], {}, "Unknown option '--config'"],
    [['demo', 'extra'], {}, "Unexpected argument 'extra'"],
    [['demo', '--port', '99999'], {}, 'port must be a number from 0 to 65535'],
    [['demo'], { PORT: 'http' }, 'port must be a number from 0 to 65535 (got "http")'],
    [['--config', 'a.yaml', '--workers', '0'], {}, '--workers: must be a number from 1 to 256 (got "0")'],
    [['--config', 'a.yaml', '--workers', 'all'], {}, '--workers: must be a number from 1 to 256'],
    [['--config', 'a.yaml', '--workers'], {}, "'--workers <value>' argument missing"],
    [['demo', '--workers', '999'], {}, '--workers: must be a number from 1 to 256'],
    [['--config', 'a.yaml'], { OCX_WORKERS: '-1' }, '--workers: must be a number from 1 to 256'],
  ])('%j with %j is refused', (argv, env, message) => {
    const mode = parseServerArgs(argv, env);
    expect(mode.kind).toBe('usage-error');
    expect(mode.kind === 'usage-error' && mode.message).toContain(message);
  });
});
