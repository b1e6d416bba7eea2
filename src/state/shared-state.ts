import type { SharedStateConfig } from '../config/types';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { memoryCache, type Cache } from './cache';
import { layeredCache } from './layered-cache';
import { RedisStore } from './redis-store';
import type { SharedStateStatus, SharedStore } from './shared-store';

/**
 * The caches of one proxy instance, local only (`memory`), layered over Redis (`redis`), or, for the workers of
 * one supervisor without Redis, layered over the store the supervisor holds (`workers`, src/cluster/).
 */
export interface SharedState {
  readonly backend: SharedStateConfig['backend'] | 'workers';
  /** A cache of `max` local entries; `namespace` names it in the shared store and in metrics. */
  cache<V extends object>(namespace: string, max: number): Cache<V>;
  /** For /readyz: asks the store (never makes the proxy unready: without it each instance serves alone). */
  status(): Promise<SharedStateStatus>;
  /** Waits for shared writes already started. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export function createSharedState(
  config: SharedStateConfig,
  deps: { metrics?: Metrics; logger?: Logger; store?: SharedStore } = {},
): SharedState {
  if (config.backend === 'memory' && deps.store) {
    const store = deps.store;
    deps.metrics?.sharedStateUp.set({ backend: store.backend }, 1);
    return {
      backend: store.backend,
      cache: (namespace, max) => layeredCache(memoryCache(max), store, namespace, { metrics: deps.metrics }),
      status: async () => ({ backend: store.backend, reachable: await store.ping() }),
      flush: () => store.flush(),
      close: () => store.close(),
    };
  }
  if (config.backend === 'memory') {
    deps.metrics?.sharedStateUp.set({ backend: 'memory' }, 1);
    return {
      backend: 'memory',
      cache: (_namespace, max) => memoryCache(max),
      status: async () => ({ backend: 'memory', reachable: true }),
      flush: async () => undefined,
      close: async () => undefined,
    };
  }
  const store =
    deps.store ??
    new RedisStore({
      url: config.redisUrl,
      sentinel: config.sentinel,
      keyPrefix: config.keyPrefix,
      encryptionKey: config.encryptionKey,
      commandTimeoutMs: config.commandTimeoutMs,
      metrics: deps.metrics,
      logger: deps.logger,
    });
  return {
    backend: 'redis',
    cache: (namespace, max) => layeredCache(memoryCache(max), store, namespace, { metrics: deps.metrics }),
    status: async () => ({ backend: 'redis', reachable: await store.ping() }),
    flush: () => store.flush(),
    close: () => store.close(),
  };
}
