#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { buildApp } from './app';
import { runCli } from './cli/dispatch';
import { processIo } from './cli/io';
import { parseServerArgs, type ServerMode } from './cli/server-args';
import { ConfigError, loadConfigFile } from './config/load';
import type { Config } from './config/types';

// Composition root: parse the command line, load the config (or start the demo cloud), listen, drain on SIGTERM.

interface Loaded {
  config: Config;
  banner?: (port: number) => string;
  stopDemo?: () => Promise<void>;
}

/** Thrown for what exits 2 before anything listens: a bad command line, config or missing demo. */
class StartupError extends Error {}

async function load(mode: Exclude<ServerMode, { kind: 'usage-error' }>): Promise<Loaded> {
  if (mode.kind === 'proxy') return { config: loadConfigFile(mode.configFile) };
  // Loaded here only, at run time, so a production start never loads the simulators and an image built without
  // dist/demo (deploy/Dockerfile) still runs; src/demo/start.ts is the demo's one entry point.
  if (!existsSync(path.join(__dirname, 'demo', 'start.js'))) {
    throw new StartupError('ocx-proxy: the demo cloud is not part of this build (no dist/demo); use --config FILE');
  }
  const { startDemo } = await import('./demo/start.js');
  const demo = await startDemo(mode.port);
  return { config: demo.config, banner: demo.banner, stopDemo: () => demo.stop() };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  // Operator subcommands (check-config, providers) run instead of the server.
  const cliStatus = await runCli(argv, processIo);
  if (cliStatus !== undefined) {
    process.exitCode = cliStatus;
    return;
  }
  let loaded: Loaded;
  try {
    const mode = parseServerArgs(argv, process.env);
    if (mode.kind === 'usage-error') throw new StartupError(`ocx-proxy: ${mode.message}\nsee: ocx-proxy --help`);
    loaded = await load(mode);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof StartupError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const { config, banner, stopDemo } = loaded;
  const proxy = buildApp(config);
  const server: Server = config.tls
    ? createHttpsServer(
        { maxHeaderSize: 16 * 1024, cert: readFileSync(config.tls.cert), key: readFileSync(config.tls.key) },
        proxy.app,
      )
    : createServer({ maxHeaderSize: 16 * 1024 }, proxy.app);
  server.keepAliveTimeout = 65_000;
  server.listen(config.listen.port, config.listen.host, () => {
    const { port } = server.address() as AddressInfo;
    proxy.deps.logger.info({ port, providers: config.providers.map((p) => p.name) }, 'ocx-proxy listening');
    if (banner) process.stdout.write(banner(port));
  });
  const shutdown = (): void => {
    proxy.deps.logger.info('shutting down: draining in-flight requests');
    server.close(() => {
      void Promise.all([proxy.close(), stopDemo?.()]).finally(() => process.exit(0));
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

void main().catch((err: unknown) => {
  process.stderr.write(`ocx-proxy failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
