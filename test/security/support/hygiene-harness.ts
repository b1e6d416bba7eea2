import { startDemoCloud, type DemoCloud } from '../../../src/demo/demo-cloud';
import type { Harness } from '../../support/harness';
import { startInstance } from '../../support/proxy-instance';

export const STATIC_PROVIDER = 'static-swift';
export const STATIC_USER = 'test:tester';
export const STATIC_KEY = 'testing';

/**
 * Like test/support/harness.ts, with what the token-hygiene test needs on top: the logger at `trace` (every line
 * the proxy can write), and a fourth, static-credential Swift provider (tempauth on nu-keystone's fake Swift), so
 * an operator's key and a tempauth token are among the secrets watched.
 */
export async function startHygieneHarness(
  opts: {
    providers?: string[];
    /** Extra keys per provider, given the running demo cloud (e.g. a project_map naming its project ids). */
    providerExtras?: (demo: DemoCloud) => Record<string, Record<string, unknown>>;
  } = {},
): Promise<Harness> {
  const providers = opts.providers ?? ['home', 'bu-keystone', 'nu-keystone'];
  const demo = await startDemoCloud({ providers });
  const extras = opts.providerExtras?.(demo) ?? {};
  const configured = Object.fromEntries(
    Object.entries(demo.config.providers).map(([name, p]) => [name, { ...p, ...extras[name] }]),
  );
  const tempauthAt = demo.providers[providers[providers.length - 1] as string]?.baseUrl as string;
  const instance = await startInstance(
    {
      ...demo.config,
      providers: {
        ...configured,
        [STATIC_PROVIDER]: {
          priority: 99,
          object_store: {
            auth: 'tempauth',
            auth_url: `${tempauthAt}/object-store/auth/v1.0`,
            // Home project demo has its own account there; the other home projects do not reach it.
            accounts: { demo: { user: STATIC_USER, key: STATIC_KEY } },
          },
        },
      },
    },
    '(token hygiene)',
    process.cwd(),
    'trace',
  );
  return {
    ...instance,
    demo,
    close: async () => {
      await instance.close();
      await demo.stop();
    },
  };
}
