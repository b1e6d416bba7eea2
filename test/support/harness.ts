import type { Server } from 'node:http';
import type { Proxy } from '../../src/app';
import { startDemoCloud, type DemoCloud, type DemoCloudOptions } from '../../src/demo/demo-cloud';
import { startInstance } from './proxy-instance';

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
  const instance = await startInstance({ ...demo.config, ...opts.config }, '(test)');
  return {
    ...instance,
    demo,
    close: async () => {
      await instance.close();
      await demo.stop();
    },
  };
}

export { passwordAuth } from './keystone-auth';
