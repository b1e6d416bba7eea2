// The one entry point into the demo cloud for the server: src/main.ts loads this module (and through it the
// simulators) only for `ocx-proxy demo`, with a dynamic import, so a production start never loads src/demo and a
// build without dist/demo still runs. eslint.config.mjs keeps static imports of src/demo out of the rest of src/.
import { compileConfig } from '../config/load';
import type { Config } from '../config/types';
import { proxyServiceEndpoints } from './compute-remote-services';
import { startDemoCloud } from './demo-cloud';

export interface RunningDemo {
  /** The proxy's configuration for the simulated providers, listening on 127.0.0.1:`port`. */
  config: Config;
  /** The same in the YAML shape, for the workers of `ocx-proxy demo --workers N` (src/cluster/). */
  raw: Record<string, unknown>;
  /** What to print once the proxy listens on `port`: how to log in with the demo's published passwords. */
  banner(port: number): string;
  stop(): Promise<void>;
}

export async function startDemo(port: number): Promise<RunningDemo> {
  // The home Nova reaches Cinder and Glance through the proxy, as an operator sets it up for mix and match.
  const demo = await startDemoCloud({ homeComputeServices: proxyServiceEndpoints(`http://127.0.0.1:${port}`) });
  const raw = { ...demo.config, listen: { host: '127.0.0.1', port }, public_url: `http://127.0.0.1:${port}` };
  const config = compileConfig(raw, '(demo cloud)', process.cwd());
  const names = config.providers.map((p) => p.name).join(', ');
  return {
    config,
    raw,
    stop: () => demo.stop(),
    banner: (listening) =>
      `\nocx-proxy demo cloud on http://127.0.0.1:${listening} (providers: ${names})\n` +
      `Try:\n  openstack --os-auth-url http://127.0.0.1:${listening}/identity/v3 --os-identity-api-version 3 \\\n` +
      `    --os-username demo --os-password demo-secret --os-project-name demo \\\n` +
      `    --os-user-domain-name Default --os-project-domain-name Default catalog list\n\n`,
  };
}
