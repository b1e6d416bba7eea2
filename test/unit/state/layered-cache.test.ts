import { createMetrics } from '../../../src/observability/metrics';
import { memoryCache } from '../../../src/state/cache';
import { layeredCache } from '../../../src/state/layered-cache';
import type { SharedEntry, SharedStore } from '../../../src/state/shared-store';

/** A SharedStore in a Map, with the clock the test sets (no Redis: the Redis one is test/integration/redis-store). */
class MapStore implements SharedStore {
  readonly backend = 'redis';
  reachable = true;
  readonly entries = new Map<string, SharedEntry>();
  readonly listeners = new Map<string, Array<(key: string) => void>>();
  constructor(private readonly now: () => number) {}
  async get(ns: string, key: string) {
    const e = this.reachable ? this.entries.get(`${ns}/${key}`) : undefined;
    return e && e.expiresAt > this.now() ? e : undefined;
  }
  async set(ns: string, key: string, value: unknown, ttlMs: number) {
    if (this.reachable)
      this.entries.set(`${ns}/${key}`, { value: JSON.parse(JSON.stringify(value)), expiresAt: this.now() + ttlMs });
  }
  async delete(ns: string, key: string) {
    this.entries.delete(`${ns}/${key}`);
  }
  async claim() {
    return true;
  }
  async release() {}
  onRemoteDelete(ns: string, listener: (key: string) => void) {
    this.listeners.set(ns, [...(this.listeners.get(ns) ?? []), listener]);
  }
  remoteDelete(ns: string, key: string) {
    for (const l of this.listeners.get(ns) ?? []) l(key);
  }
  async ping() {
    return this.reachable;
  }
  async flush() {}
  async close() {}
}

describe('layered cache: local first, shared on a local miss', () => {
  let clock = 1_000_000;
  const now = () => clock;
  const setup = () => {
    const store = new MapStore(now);
    const metrics = createMetrics(false);
    const a = layeredCache<{ v: number }>(memoryCache(100), store, 'token', { metrics, now });
    const b = layeredCache<{ v: number }>(memoryCache(100), store, 'token', { metrics, now });
    return { store, metrics, a, b };
  };

  it('a value set on one instance is fetched by another, then served locally', async () => {
    const { store, a, b } = setup();
    a.set('k', { v: 1 }, 60_000);
    expect(b.get('k')).toBeUndefined();
    expect(await b.fetchShared?.('k')).toEqual({ v: 1 });
    store.entries.clear();
    expect(b.get('k')).toEqual({ v: 1 });
  });

  it('the local copy of a shared hit gets the remaining lifetime of the shared entry', async () => {
    const store = new MapStore(now);
    const local = memoryCache<{ v: number }>(10);
    const ttls: number[] = [];
    const spy = { ...local, set: (k: string, v: { v: number }, ttl: number) => (ttls.push(ttl), local.set(k, v, ttl)) };
    layeredCache<{ v: number }>(memoryCache(10), store, 'token', { now }).set('k', { v: 1 }, 60_000);
    clock += 50_000;
    await layeredCache<{ v: number }>(spy, store, 'token', { now }).fetchShared?.('k');
    expect(ttls).toEqual([10_000]);
    clock += 10_000;
    expect(await layeredCache<{ v: number }>(spy, store, 'token', { now }).fetchShared?.('k2')).toBeUndefined();
  });

  it('delete drops both levels; a delete announced by another instance drops the local copy', async () => {
    const { store, a, b } = setup();
    a.set('k', { v: 1 }, 60_000);
    await b.fetchShared?.('k');
    a.delete('k');
    expect(a.get('k')).toBeUndefined();
    expect(await store.get('token', 'k')).toBeUndefined();
    expect(b.get('k')).toEqual({ v: 1 });
    store.remoteDelete('token', 'k');
    expect(b.get('k')).toBeUndefined();
  });

  it('an unreachable store is a miss, and the local level keeps serving', async () => {
    const { store, a } = setup();
    a.set('k', { v: 1 }, 60_000);
    store.reachable = false;
    expect(a.get('k')).toEqual({ v: 1 });
    expect(await a.fetchShared?.('other')).toBeUndefined();
    a.set('k2', { v: 2 }, 60_000);
    expect(a.get('k2')).toEqual({ v: 2 });
  });

  it('counts shared hits and misses under the cache namespace', async () => {
    const { metrics, a, b } = setup();
    a.set('k', { v: 1 }, 60_000);
    await b.fetchShared?.('k');
    await b.fetchShared?.('absent');
    const values = (await metrics.registry.getSingleMetric('ocx_cache_lookups_total')?.get())?.values ?? [];
    const count = (result: string) => values.find((v) => v.labels['result'] === result)?.value;
    expect(count('shared_hit')).toBe(1);
    expect(count('shared_miss')).toBe(1);
  });
});
