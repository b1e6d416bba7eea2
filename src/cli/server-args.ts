import { parseArgs } from 'node:util';

export const SERVER_USAGE =
  'ocx-proxy --config FILE [--workers N]   run the proxy (FILE also from OCX_CONFIG, N from OCX_WORKERS)';
export const DEMO_USAGE =
  'ocx-proxy demo [--port 8080] [--workers N]   the demo cloud: simulated providers, published passwords';

/**
 * What the server part of main.ts is to run, or why the command line is refused (exit 2). `workers`: processes
 * serving requests, when given (main.ts defaults to the CPUs this process may run on; 1: one process, no supervisor).
 */
export type ServerMode =
  | { kind: 'proxy'; configFile: string; workers?: number }
  | { kind: 'demo'; port: number; workers?: number }
  | { kind: 'usage-error'; message: string };

const MAX_WORKERS = 256;

/**
 * Strict parsing: an unknown flag, a flag without its value or a stray argument is refused rather than ignored,
 * because ignoring one used to fall through to the demo cloud (whose passwords are published) on a typo.
 */
export function parseServerArgs(argv: readonly string[], env: NodeJS.ProcessEnv): ServerMode {
  const demo = argv[0] === 'demo';
  let values: { config?: string; port?: string; workers?: string };
  try {
    ({ values } = parseArgs({
      args: demo ? argv.slice(1) : [...argv],
      options: demo
        ? { port: { type: 'string' }, workers: { type: 'string' } }
        : { config: { type: 'string' }, workers: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return { kind: 'usage-error', message: (err as Error).message };
  }
  const rawWorkers = values.workers ?? (env['OCX_WORKERS'] || undefined);
  let workers: number | undefined;
  if (rawWorkers !== undefined) {
    workers = /^\d{1,3}$/.test(rawWorkers) ? Number(rawWorkers) : NaN;
    if (!(workers >= 1 && workers <= MAX_WORKERS)) {
      return {
        kind: 'usage-error',
        message: `--workers: must be a number from 1 to ${MAX_WORKERS} (got "${rawWorkers}")`,
      };
    }
  }
  const withWorkers = workers === undefined ? {} : { workers };
  if (demo) {
    const raw = values.port ?? env['PORT'] ?? '8080';
    const port = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
    if (!(port >= 0 && port <= 65535)) {
      return { kind: 'usage-error', message: `demo: the port must be a number from 0 to 65535 (got "${raw}")` };
    }
    return { kind: 'demo', port, ...withWorkers };
  }
  const configFile = values.config ?? env['OCX_CONFIG'];
  if (configFile === undefined || configFile === '') {
    return {
      kind: 'usage-error',
      message:
        values.config === ''
          ? '--config: the file name is empty'
          : 'no configuration: pass --config FILE or set OCX_CONFIG (`ocx-proxy demo` starts the demo cloud)',
    };
  }
  return { kind: 'proxy', configFile, ...withWorkers };
}
