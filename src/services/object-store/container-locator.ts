import { ItemNotFound, ProviderUnavailable, type OcxError } from '../../errors/errors';
import { fanOut, type ProviderFailure } from '../../fanout/fan-out';
import { withoutUnmapped } from '../../identity/k2k/errors';
import { recordAsked, recorded, verdictOf, type LocationKey } from '../../location/locate';
import type { LocationCache } from '../../location/location-cache';
import type { HeaderBag } from '../../upstream/headers';
import { throwRefusal } from './swift-errors';
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
 * Which providers hold a container (docs/contract.md "Naming a provider": recorded location, else a parallel HEAD to
 * every provider, the answer cached — the shared steps and rules are location/locate.ts's). Same-name containers
 * at several providers are one union container.
 */
export class ContainerLocator {
  constructor(private readonly cache: LocationCache) {}

  private scope(client: SwiftClient): string {
    return client.caller.info.projectId ?? '-';
  }

  private key(client: SwiftClient, name: string): LocationKey {
    return { kind: 'container', scope: this.scope(client), id: name };
  }

  /** The holders recorded for a project's container (warmed from the shared level), for requests without a session. */
  recordedHolders(project: string, name: string): Promise<string[] | undefined> {
    return recorded(this.cache, { kind: 'container', scope: project, id: name });
  }

  async holders(client: SwiftClient, ref: ContainerRef): Promise<Holders> {
    if (ref.provider) return { providers: [ref.provider], heads: new Map(), failed: [] };
    const cached = await recorded(this.cache, this.key(client, ref.name));
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
        const refused = client.refusal(provider, res.status);
        if (refused) throw refused;
        if (res.status === 404 || res.status === 401 || res.status === 403) return undefined;
        if (res.status >= 200 && res.status < 300) return res.headers;
        throw new ProviderUnavailable(provider, `answered HTTP ${res.status}`);
      },
      { signal: client.ctx.signal, deadline: client.ctx.deadline },
    );
    throwRefusal(result.failed);
    const heads = new Map<string, HeaderBag>();
    for (const r of result.ok) if (r.value) heads.set(r.provider, r.value);
    const providers = [...heads.keys()];
    // A provider where the caller has no project holds none of their containers: not a holder, not a failure.
    const failed = withoutUnmapped(result.failed);
    const found = order(client, providers).map((provider) => ({ provider }));
    recordAsked(this.cache, this.key(client, name), { found, failed: failed.map((f) => f.provider) }, 'union');
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

/** A container no provider holds: 404, or 503 when a provider could not say (it may hold it). */
export function notFoundOrUnavailable(failed: readonly ProviderFailure[]): OcxError {
  const verdict = verdictOf({ found: [], failed: failed.map((f) => f.provider) });
  if (verdict.kind === 'unavailable') return new ProviderUnavailable(verdict.failed.join(', '), 'could not be asked');
  return new ItemNotFound(NOT_FOUND);
}

/** Swift's own 404 text (swift/common/swob.py). */
export const NOT_FOUND = 'The resource could not be found.';
