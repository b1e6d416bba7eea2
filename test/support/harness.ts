import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { buildApp, type Proxy } from '../../src/app';
import { compileConfig } from '../../src/config/load';
import { startDemoCloud, type DemoCloud, type DemoCloudOptions } from '../../src/demo/demo-cloud';
import { createLogger } from '../../src/observability/logger';

export interface Harness {
  demo: DemoCloud;
  proxy: Proxy;
  server: Server;
  url: string;
  /** Every log line the proxy wrote, for token-hygiene assertions. */
  logs: string[];
  close(): Promise<void>;
}

/**
 * The demo cloud plus the real proxy wiring (buildApp) on a real port, so both supertest and real CLIs can call
 * it; `public_url` matches the port so catalogs are checkable.
 */
export async function startHarness(
  opts: { demo?: DemoCloudOptions; config?: Record<string, unknown> } = {},
): Promise<Harness> {
  const demo = await startDemoCloud(opts.demo);
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const config = compileConfig({ ...demo.config, public_url: url, ...opts.config }, '(test)', process.cwd());
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString('utf8'));
      cb();
    },
  });
  const proxy = buildApp(config, { logger: createLogger('info', sink) });
  server.on('request', proxy.app);
  return {
    demo,
    proxy,
    server,
    url,
    logs,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await proxy.close();
      await demo.stop();
    },
  };
}

export function passwordAuth(user: string, password: string, project?: string): Record<string, unknown> {
  return {
    auth: {
      identity: { methods: ['password'], password: { user: { name: user, domain: { name: 'Default' }, password } } },
      ...(project ? { scope: { project: { name: project, domain: { name: 'Default' } } } } : {}),
    },
  };
}
