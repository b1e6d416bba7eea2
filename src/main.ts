#!/usr/bin/env node
import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { buildApp } from './app';
import { answerInFlightBeforeClientErrors } from './http/client-errors';
import { runCli } from './cli/dispatch';
import { processIo } from './cli/io';
import { parseServerArgs, type ServerMode } from './cli/server-args';
import { isSupervisorMessage, type WorkerSetup } from './cluster/messages';
import { runSupervisor } from './cluster/supervisor';
import { WorkerRegistry } from './cluster/worker-metrics';
import { WorkerStore, processChannel } from './cluster/worker-store';
import { ConfigError, compileConfig, loadConfigFile } from './config/load';
import type { Config } from './config/types';
import { createLogger, type Logger } from './observability/logger';
import { createMetrics, type Metrics } from './observability/metrics';
import { DEFAULT_CURSOR_MAX_AGE_MS } from './state/sealed-cursor';
import type { SharedStore } from './state/shared-store';

// Composition root: parse the command line, load the config (or start the demo cloud), then either serve in this
// process (--workers 1) or supervise N workers that each serve (src/cluster/supervisor.ts); drain on SIGTERM.

type Mode = Exclude<ServerMode, { kind: 'usage-error' }>;

interface Loaded {
  config: Config;
  /** The demo's configuration in the YAML shape (what its workers compile). */
  raw?: Record<string, unknown>;
  banner?: (port: number) => string;
  stopDemo?: () => Promise<void>;
}

/** Thrown for what exits 2 before anything listens: a bad command line, config or missing demo. */
class StartupError extends Error {}

async function load(mode: Mode): Promise<Loaded> {
  if (mode.kind === 'proxy') return { config: loadConfigFile(mode.configFile) };
  // Loaded here only, at run time, so a production start never loads the simulators and an image built without
  // dist/demo (deploy/Dockerfile) still runs; src/demo/start.ts is the demo's one entry point.
  if (!existsSync(path.join(__dirname, 'demo', 'start.js'))) {
    throw new StartupError('ocx-proxy: the demo cloud is not part of this build (no dist/demo); use --config FILE');
  }
  const { startDemo } = await import('./demo/start.js');
  const demo = await startDemo(mode.port);
  return { config: demo.config, raw: demo.raw, banner: demo.banner, stopDemo: () => demo.stop() };
}

function parseMode(argv: string[]): Mode {
  const mode = parseServerArgs(argv, process.env);
  if (mode.kind === 'usage-error') throw new StartupError(`ocx-proxy: ${mode.message}\nsee: ocx-proxy --help`);
  return mode;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (cluster.isWorker) return runWorker(argv);
  // Operator subcommands (check-config, providers) run instead of the server.
  const cliStatus = await runCli(argv, processIo);
  if (cliStatus !== undefined) {
    process.exitCode = cliStatus;
    return;
  }
  let mode: Mode;
  let loaded: Loaded;
  try {
    mode = parseMode(argv);
    loaded = await load(mode);
  } catch (err) {
    exitOnStartupError(err);
  }
  const workers = mode.workers ?? availableParallelism();
  const logger = createLogger(loaded.config.log.level);
  if (workers === 1) {
    if (!loaded.config.cursors) {
      logger.warn('state.cursor_keys is not set: next links of merged listings are valid on this process only');
    }
    serve(loaded.config, { logger, banner: loaded.banner, stopDemo: loaded.stopDemo });
    return;
  }
  if (!loaded.config.cursors) {
    logger.warn(
      'state.cursor_keys is not set: next links of merged listings are valid on the workers of this host only ' +
        '(give every replica the same keys)',
    );
  }
  runSupervisor({
    workers,
    logger,
    setup: { cursorKey: randomBytes(32).toString('base64url'), demoConfig: loaded.raw },
    onListening: loaded.banner && ((port) => process.stdout.write((loaded.banner as (p: number) => string)(port))),
    onStopped: loaded.stopDemo,
  });
}

/**
 * One worker of `--workers N`: its setup from the supervisor (the demo's config, the host's cursor key), then a
 * whole proxy on the shared listening socket. Without Redis its caches are layered over the supervisor's store, so
 * a provider token minted here, a validation or a revocation is known to every worker.
 */
async function runWorker(argv: string[]): Promise<void> {
  const channel = processChannel();
  const setup = await new Promise<WorkerSetup>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no setup from the supervisor')), 10_000);
    process.on('message', (m: unknown) => {
      if (isSupervisorMessage(m) && m.ocx === 'setup') {
        clearTimeout(timer);
        resolve(m.setup);
      }
    });
    channel.send({ ocx: 'hello' });
  });
  let config: Config;
  try {
    const mode = parseMode(argv);
    config =
      mode.kind === 'demo' && setup.demoConfig
        ? compileConfig(setup.demoConfig, '(demo cloud)', process.cwd())
        : loadConfigFile((mode as Extract<Mode, { kind: 'proxy' }>).configFile);
  } catch (err) {
    exitOnStartupError(err);
  }
  if (!config.cursors) {
    config = {
      ...config,
      cursors: {
        keys: [{ id: 'host', key: Buffer.from(setup.cursorKey, 'base64url') }],
        maxAgeMs: DEFAULT_CURSOR_MAX_AGE_MS,
      },
    };
  }
  const metrics = createMetrics(true, new WorkerRegistry());
  const sharedStore = config.state.backend === 'memory' ? new WorkerStore(channel) : undefined;
  const logger = createLogger(config.log.level).child({ worker: cluster.worker?.id });
  const stop = serve(config, { logger, metrics, sharedStore });
  // The supervisor is gone (killed): nobody restarts or drains this worker, so it drains and leaves by itself.
  process.once('disconnect', stop);
}

function serve(
  config: Config,
  opts: {
    logger: Logger;
    metrics?: Metrics;
    sharedStore?: SharedStore;
    banner?: (port: number) => string;
    stopDemo?: () => Promise<void>;
  },
): () => void {
  const { banner, stopDemo } = opts;
  const proxy = buildApp(config, { logger: opts.logger, metrics: opts.metrics, sharedStore: opts.sharedStore });
  const server: Server = config.tls
    ? createHttpsServer(
        { maxHeaderSize: 16 * 1024, cert: readFileSync(config.tls.cert), key: readFileSync(config.tls.key) },
        proxy.app,
      )
    : createServer({ maxHeaderSize: 16 * 1024 }, proxy.app);
  server.keepAliveTimeout = 65_000;
  answerInFlightBeforeClientErrors(server);
  server.listen(config.listen.port, config.listen.host, () => {
    const { port } = server.address() as AddressInfo;
    proxy.deps.logger.info({ port, providers: config.providers.map((p) => p.name) }, 'ocx-proxy listening');
    if (banner) process.stdout.write(banner(port));
  });
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    proxy.deps.logger.info('shutting down: draining in-flight requests');
    server.close(() => {
      void Promise.all([proxy.close(), stopDemo?.()]).finally(() => process.exit(0));
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  return shutdown;
}

function exitOnStartupError(err: unknown): never {
  if (err instanceof ConfigError || err instanceof StartupError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  throw err;
}

void main().catch((err: unknown) => {
  process.stderr.write(`ocx-proxy failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
