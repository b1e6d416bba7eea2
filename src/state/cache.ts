import { LRUCache } from 'lru-cache';

/**
 * The cache interface every shared-state user goes through. Keys are never raw tokens (see token-key.ts).
 * `get` is synchronous and local, so the hot path never waits on the network; with `state.backend: redis`
 * (layered-cache.ts) `set`/`delete` also write the shared level and `fetchShared` reads it.
 */
export interface Cache<V> {
  get(key: string): V | undefined;
  set(key: string, value: V, ttlMs: number): void;
  delete(key: string): void;
  readonly size: number;
  /**
   * The shared level, for a caller that has just missed locally: the shared entry, if any, already copied into the
   * local level (so the next `get` hits). Absent on memory-only caches. Never rejects: an unreachable store is a miss.
   */
  fetchShared?(key: string): Promise<V | undefined>;
  /** The shared level's lease on `key` (SharedStore.claim); absent on memory-only caches. */
  claimShared?(key: string, ttlMs: number): Promise<boolean>;
  releaseShared?(key: string): Promise<void>;
}

export function memoryCache<V extends object>(max: number): Cache<V> {
  const lru = new LRUCache<string, V>({ max, ttlAutopurge: false, allowStale: false });
  return {
    get: (key) => lru.get(key),
    set: (key, value, ttlMs) => {
      if (ttlMs > 0) lru.set(key, value, { ttl: Math.max(1, Math.floor(ttlMs)) });
    },
    delete: (key) => {
      lru.delete(key);
    },
    get size() {
      return lru.size;
    },
  };
}
