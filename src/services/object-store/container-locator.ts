import { ItemNotFound, ProviderUnavailable, type OcxError } from '../../errors/errors';
import { fanOut, type ProviderFailure } from '../../fanout/fan-out';
import { withoutUnmapped } from '../../identity/k2k/errors';
import type { LocationCache } from '../../location/location-cache';
import type { HeaderBag } from '../../upstream/headers';
import { discard, type SwiftClient } from './swift-client';

/** A container as the client named it: `name` alone, or `name@provider`. */
export interface ContainerRef {
  /** The name the provider sees (suffix stripped). */
  name: string;
  /** Set by `@provider`: that provider alone, no lookup. */
  provider?: string;
}

export interface Holders {
  /** Providers holding the container, in priority order. */
  providers: string[];
  /** HEAD answers gathered while looking (absent when the answer came from the cache). */
  heads: Map<string, HeaderBag>;
  /** Providers that could not be asked: the container may be there too. */
  failed: ProviderFailure[];
}

/**
 * Which providers hold a container (DESIGN.md "Naming a provider": recorded location, else a parallel HEAD to
 * every provider, the answer cached). Same-name containers at several providers are one union container.
 */
export class ContainerLocator {
  constructor(private readonly cache: LocationCache) {}

  private scope(client: SwiftClient): string {
    return client.caller.info.projectId ?? '-';
  }

  async holders(client: SwiftClient, ref: ContainerRef): Promise<Holders> {
    if (ref.provider) return { providers: [ref.provider], heads: new Map(), failed: [] };
    await this.cache.warm('container', this.scope(client), ref.name);
    const cached = this.cache.get('container', this.scope(client), ref.name);
    if (cached) return { providers: order(client, cached), heads: new Map(), failed: [] };
    return this.lookup(client, ref.name);
  }

  /** Asks every provider (parallel HEAD); caches the answer when every provider answered. */
  async lookup(client: SwiftClient, name: string): Promise<Holders> {
    const result = await fanOut(
      client.names,
      async (provider, signal) => {
        const res = await client.send(provider, { method: 'HEAD', container: name, signal });
        discard(res);
        // Not there, or not there for this user (no role at that provider): either way not a holder.
        if (res.status === 404 || res.status === 401 || res.status === 403) return undefined;
        if (res.status >= 200 && res.status < 300) return res.headers;
        throw new ProviderUnavailable(provider, `answered HTTP ${res.status}`);
      },
      { signal: client.ctx.signal, deadline: client.ctx.deadline },
    );
    const heads = new Map<string, HeaderBag>();
    for (const r of result.ok) if (r.value) heads.set(r.provider, r.value);
    const providers = [...heads.keys()];
    // A provider where the caller has no project holds none of their containers: not a holder, not a failure.
    const failed = withoutUnmapped(result.failed);
    if (failed.length === 0) this.remember(client, name, providers);
    return { providers, heads, failed };
  }

  /** Like holders(), but a container found nowhere is an error: 404, or 503 when a provider could not say. */
  async require(client: SwiftClient, ref: ContainerRef): Promise<Holders> {
    const h = await this.holders(client, ref);
    if (h.providers.length > 0) return h;
    throw notFoundOrUnavailable(h.failed);
  }

  remember(client: SwiftClient, name: string, providers: string[]): void {
    if (providers.length) this.cache.remember('container', this.scope(client), name, order(client, providers));
    else this.cache.forget('container', this.scope(client), name);
  }

  /** A container now also exists at `provider` (created through the proxy). */
  added(client: SwiftClient, name: string, provider: string): void {
    const known = this.cache.get('container', this.scope(client), name);
    if (known && !known.includes(provider)) this.remember(client, name, [...known, provider]);
  }

  /** The container is gone from `providers` (deleted through the proxy, or a provider said 404). */
  removed(client: SwiftClient, name: string, providers: readonly string[]): void {
    const known = this.cache.get('container', this.scope(client), name);
    if (!known) return;
    this.remember(
      client,
      name,
      known.filter((p) => !providers.includes(p)),
    );
  }

  forget(client: SwiftClient, name: string): void {
    this.cache.forget('container', this.scope(client), name);
  }
}

/** Priority order, known providers only (config may have changed since the entry was cached). */
function order(client: SwiftClient, providers: readonly string[]): string[] {
  return client.names.filter((n) => providers.includes(n));
}

export function notFoundOrUnavailable(failed: readonly ProviderFailure[]): OcxError {
  const first = failed[0];
  if (first) return new ProviderUnavailable(failed.map((f) => f.provider).join(', '), 'could not be asked');
  return new ItemNotFound(NOT_FOUND);
}

/** Swift's own 404 text (swift/common/swob.py). */
export const NOT_FOUND = 'The resource could not be found.';
