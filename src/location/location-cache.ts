import type { Cache } from '../state/cache';

/**
 * Where a resource lives: a bare id is found by its recorded location, else by asking every provider in parallel,
 * and the answer is cached. Keyed by kind, the home project and the id (ids are UUIDs, or container names within
 * the user's own project). An entry with several providers is a Swift union container, or an ambiguous id.
 */
export type ResourceKind =
  | 'server'
  | 'volume'
  | 'snapshot'
  | 'image'
  | 'attachment'
  | 'container'
  | 'network'
  | 'subnet'
  | 'port'
  | 'security_group'
  | 'security_group_rule'
  | 'router'
  | 'floatingip';

export class LocationCache {
  private readonly proposals = new Map<string, string[]>();

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

  /** Replace what is known (an authoritative answer: every provider was just asked). */
  remember(kind: ResourceKind, scope: string, id: string, providers: string[]): void {
    if (providers.length) this.store(this.key(kind, scope, id), [...providers]);
  }

  /**
   * Add what a listing or an answer showed. A holder is never replaced by another: an id seen at a second
   * provider is kept with both, which no lookup serves from the cache (it is ambiguous until asked afresh).
   */
  learn(kind: ResourceKind, scope: string, id: string, providers: readonly string[]): void {
    const known = this.get(kind, scope, id) ?? [];
    const merged = [...new Set([...known, ...providers])];
    if (merged.length) this.store(this.key(kind, scope, id), merged);
  }

  /**
   * A changed entry (a container now also at another provider, an id now ambiguous) is deleted before it is set:
   * the delete tells the other instances to drop their local copy (state/layered-cache.ts), which they would
   * otherwise keep serving until it expires. An unchanged one (every listing re-learns what it shows) is only set.
   */
  private store(key: string, providers: string[]): void {
    const known = this.cache.get(key)?.providers;
    if (known && (known.length !== providers.length || known.some((p) => !providers.includes(p)))) {
      this.cache.delete(key);
    }
    this.cache.set(key, { providers }, this.ttlMs);
  }

  /**
   * An `ID@provider` a client wrote in a request body, held only while that request runs (for the calls the
   * service then makes back through the proxy) and only for the user who wrote it: a body is not proof, so it
   * never reaches the cache unless the named provider then answers for the id. Returns the release.
   */
  propose(kind: ResourceKind, scope: string, user: string, id: string, provider: string): () => void {
    const key = `${this.key(kind, scope, id)}|${user}`;
    const holds = this.proposals.get(key) ?? [];
    holds.push(provider);
    this.proposals.set(key, holds);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const now = this.proposals.get(key) ?? [];
      now.splice(now.indexOf(provider), 1);
      if (now.length === 0) this.proposals.delete(key);
    };
  }

  /** The provider the user's requests in flight name for `id`, when they agree. */
  proposed(kind: ResourceKind, scope: string, user: string, id: string): string | undefined {
    const holds = this.proposals.get(`${this.key(kind, scope, id)}|${user}`);
    return holds?.every((p) => p === holds[0]) ? holds[0] : undefined;
  }

  forget(kind: ResourceKind, scope: string, id: string): void {
    this.cache.delete(this.key(kind, scope, id));
  }
}
