import { createServer, type Server } from 'node:http';
import { answerInFlightBeforeClientErrors } from '../../src/http/client-errors';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { buildApp, type Proxy } from '../../src/app';
import { compileConfig } from '../../src/config/load';
import { createLogger } from '../../src/observability/logger';

/** One in-process proxy instance on its own port (several may share a Redis). */
export interface ProxyInstance {
  proxy: Proxy;
  server: Server;
  url: string;
  logs: string[];
  close(): Promise<void>;
}

export async function startInstance(
  raw: Record<string, unknown>,
  sourceFile: string,
  baseDir = process.cwd(),
  logLevel = 'info',
): Promise<ProxyInstance> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const config = compileConfig({ ...raw, public_url: url }, sourceFile, baseDir);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString('utf8'));
      cb();
    },
  });
  const proxy = buildApp(config, { logger: createLogger(logLevel, sink) });
  answerInFlightBeforeClientErrors(server);
  server.on('request', proxy.app);
  return {
    proxy,
    server,
    url,
    logs,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await proxy.close();
    },
  };
}

export async function metric(proxy: Proxy, name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = await proxy.deps.metrics.registry.getSingleMetric(name)?.get();
  const match = m?.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val));
  return match?.value ?? 0;
}
