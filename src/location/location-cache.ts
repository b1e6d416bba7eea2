import type { Cache } from '../state/cache';

/**
 * Where a resource lives (DESIGN.md: "A bare id is found by its recorded location, else by asking every provider
 * in parallel; the answer is cached"). Keyed by kind and id only: ids are UUIDs (or container names within the
 * user's own project, so the key includes the home project).
 */
export type ResourceKind = 'server' | 'volume' | 'snapshot' | 'image' | 'attachment' | 'container';

export class LocationCache {
  constructor(
    private readonly cache: Cache<{ providers: string[] }>,
    private readonly ttlMs: number,
  ) {}

  private key(kind: ResourceKind, scope: string, id: string): string {
    return `${kind}|${scope}|${id}`;
  }

  /**
   * Before a lookup that would otherwise ask every provider: copy another instance's answer into the local level,
   * if the shared level (state.backend redis) has one. Resolves at once when the local level knows already.
   */
  async warm(kind: ResourceKind, scope: string, id: string): Promise<void> {
    const key = this.key(kind, scope, id);
    if (this.cache.get(key) === undefined) await this.cache.fetchShared?.(key);
  }

  get(kind: ResourceKind, scope: string, id: string): string[] | undefined {
    return this.cache.get(this.key(kind, scope, id))?.providers;
  }

  remember(kind: ResourceKind, scope: string, id: string, providers: string[]): void {
    if (providers.length) this.cache.set(this.key(kind, scope, id), { providers: [...providers] }, this.ttlMs);
  }

  forget(kind: ResourceKind, scope: string, id: string): void {
    this.cache.delete(this.key(kind, scope, id));
  }
}
