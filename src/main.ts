#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { buildApp } from './app';
import { runCli } from './cli/dispatch';
import { processIo } from './cli/io';
import { ConfigError, compileConfig, loadConfigFile } from './config/load';
import type { Config } from './config/types';
import { proxyServiceEndpoints } from './demo/compute-remote-services';
import { startDemoCloud } from './demo/demo-cloud';

/** Composition root: load config (or start the demo cloud), build the app, listen, drain on SIGTERM. */
function configPathFromArgs(argv: string[]): string | undefined {
  const i = argv.indexOf('--config');
  if (i >= 0) return argv[i + 1];
  const eq = argv.find((a) => a.startsWith('--config='));
  return eq ? eq.slice('--config='.length) : process.env['OCX_CONFIG'];
}

async function loadOrDemo(argv: string[]): Promise<{ config: Config; stopDemo?: () => Promise<void> }> {
  const file = configPathFromArgs(argv);
  if (file) return { config: loadConfigFile(file) };
  const port = Number(process.env['PORT'] ?? 8080);
  // The home Nova reaches Cinder and Glance through the proxy, as an operator sets it up for mix and match.
  const demo = await startDemoCloud({ homeComputeServices: proxyServiceEndpoints(`http://127.0.0.1:${port}`) });
  const raw = { ...demo.config, listen: { host: '127.0.0.1', port }, public_url: `http://127.0.0.1:${port}` };
  return { config: compileConfig(raw, '(demo cloud)', process.cwd()), stopDemo: () => demo.stop() };
}

async function main(): Promise<void> {
  // Operator subcommands (check-config, providers) run instead of the server.
  const cliStatus = await runCli(process.argv.slice(2), processIo);
  if (cliStatus !== undefined) {
    process.exitCode = cliStatus;
    return;
  }
  let loaded: Awaited<ReturnType<typeof loadOrDemo>>;
  try {
    loaded = await loadOrDemo(process.argv.slice(2));
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const { config, stopDemo } = loaded;
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
    if (stopDemo) {
      process.stdout.write(
        `\nocx-proxy demo cloud on http://127.0.0.1:${port} (providers: ${config.providers.map((p) => p.name).join(', ')})\n` +
          `Try:\n  openstack --os-auth-url http://127.0.0.1:${port}/identity/v3 --os-identity-api-version 3 \\\n` +
          `    --os-username demo --os-password demo-secret --os-project-name demo \\\n` +
          `    --os-user-domain-name Default --os-project-domain-name Default catalog list\n\n`,
      );
    }
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
