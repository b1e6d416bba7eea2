import type { Metrics } from '../observability/metrics';
import type { Cache } from './cache';
import type { SharedStore } from './shared-store';

/**
 * A local cache with the shared store behind it. Reads stay local and synchronous (`get`); a caller that
 * missed locally asks `fetchShared`, which copies a shared hit into the local level for the rest of its lifetime.
 * Writes and deletes go to both levels; the shared write is not awaited by the caller (see SharedStore.flush).
 * Values must survive JSON: entries are plain data (token info, provider sessions, provider lists).
 */
export function layeredCache<V extends object>(
  local: Cache<V>,
  store: SharedStore,
  namespace: string,
  opts: { metrics?: Metrics; now?: () => number } = {},
): Cache<V> {
  const now = opts.now ?? Date.now;
  store.onRemoteDelete(namespace, (key) => local.delete(key));
  return {
    get: (key) => local.get(key),
    set: (key, value, ttlMs) => {
      local.set(key, value, ttlMs);
      void store.set(namespace, key, value, ttlMs);
    },
    delete: (key) => {
      local.delete(key);
      void store.delete(namespace, key);
    },
    get size() {
      return local.size;
    },
    fetchShared: async (key) => {
      const entry = await store.get(namespace, key);
      opts.metrics?.cacheLookups.inc({ cache: namespace, result: entry ? 'shared_hit' : 'shared_miss' });
      if (!entry) return undefined;
      const value = entry.value as V;
      local.set(key, value, entry.expiresAt - now());
      return value;
    },
    claimShared: (key, ttlMs) => store.claim(namespace, key, ttlMs),
    releaseShared: (key) => store.release(namespace, key),
  };
}
