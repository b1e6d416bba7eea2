import { LRUCache } from 'lru-cache';

/**
 * The cache interface every shared-state user goes through, so a Redis backend can replace the memory one
 * (issue 7) without touching callers. Keys are never raw tokens (see token-key.ts).
 */
export interface Cache<V> {
  get(key: string): V | undefined;
  set(key: string, value: V, ttlMs: number): void;
  delete(key: string): void;
  readonly size: number;
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
