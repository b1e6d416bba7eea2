import type { Request } from 'express';
import { Conflict, ItemNotFound, ProviderUnavailable } from '../../errors/errors';
import { fanOut } from '../../fanout/fan-out';
import type { RequestContext } from '../../http/context';
import type { Caller } from '../../identity/provider-sessions';
import type { LocationCache, ResourceKind } from '../../location/location-cache';
import type { HeaderBag } from '../../upstream/headers';
import { isUnmapped } from '../../identity/k2k/errors';
import { ServiceAbsent, type FrontClient } from './front-client';
import type { ServiceEndpoint } from './service-endpoint';

/** How to ask a provider "do you have this id?": a GET of the resource (show). */
export interface Probe {
  kind: ResourceKind;
  /** Human name in messages: "Volume", "Image"… */
  label: string;
  url: (ep: ServiceEndpoint, id: string) => string;
  headers?: HeaderBag;
  /** The service's own not-found message (default: "<label> <id> could not be found."). */
  notFound?: (id: string) => string;
}

export interface Located {
  provider: string;
  via: 'explicit' | 'cache' | 'broadcast';
}

/** The cache scope of a caller: ids are unique, but a location is only ever reused for the same home project. */
export function locationScope(caller: Caller): string {
  return caller.info.projectId ?? `user:${caller.info.userId}`;
}

/**
 * Where a resource lives (DESIGN.md "Naming a provider"): the provider the client named, else the recorded
 * location, else every provider asked in parallel (the answer is cached). Found nowhere → 404; found at two
 * providers → 409, never a guess.
 */
export class ResourceLocator {
  constructor(
    private readonly client: FrontClient,
    private readonly locations: LocationCache,
  ) {}

  remember(caller: Caller, kind: ResourceKind, id: string, provider: string): void {
    this.locations.remember(kind, locationScope(caller), id, [provider]);
  }

  forget(caller: Caller, kind: ResourceKind, id: string): void {
    this.locations.forget(kind, locationScope(caller), id);
  }

  cached(caller: Caller, kind: ResourceKind, id: string): string | undefined {
    const hit = this.locations.get(kind, locationScope(caller), id);
    return hit?.length === 1 && this.client.providers.includes(hit[0] as string) ? hit[0] : undefined;
  }

  async locate(
    req: Request,
    ctx: RequestContext,
    caller: Caller,
    probe: Probe,
    id: string,
    explicit?: string,
  ): Promise<Located> {
    if (explicit) return { provider: explicit, via: 'explicit' };
    await this.locations.warm(probe.kind, locationScope(caller), id);
    const hit = this.cached(caller, probe.kind, id);
    if (hit) return { provider: hit, via: 'cache' };
    return { provider: await this.broadcast(req, ctx, caller, probe, id), via: 'broadcast' };
  }

  /** Ask every provider in parallel; remember the one answer. */
  async broadcast(req: Request, ctx: RequestContext, caller: Caller, probe: Probe, id: string): Promise<string> {
    const result = await fanOut(
      this.client.providers,
      async (provider, signal) => {
        const { response } = await this.client.send(
          req,
          ctx,
          caller,
          provider,
          (ep) => ({ method: 'GET', url: probe.url(ep, id), clientHeaders: false, headers: probe.headers }),
          { signal },
        );
        response.body.resume();
        if (response.status >= 200 && response.status < 300) return true;
        // 403: the resource exists but not for this user there; as good as absent.
        if (response.status === 404 || response.status === 403) return false;
        throw new ProviderUnavailable(provider, `answered HTTP ${response.status}`);
      },
      { signal: ctx.signal, deadline: ctx.deadline },
    );
    const found = result.ok.filter((r) => r.value).map((r) => r.provider);
    if (found.length > 1) {
      throw new Conflict(
        `${probe.label} ${id} exists at several providers (${found.join(', ')}); ` +
          `name one with ${id}@provider or the X-OCX-Provider header.`,
      );
    }
    const provider = found[0];
    if (provider) {
      this.remember(caller, probe.kind, id, provider);
      return provider;
    }
    // A provider where the caller has no project holds nothing of theirs: absent, like one without the service.
    const failed = result.failed
      .filter((f) => !(f.error instanceof ServiceAbsent) && !isUnmapped(f.error))
      .map((f) => f.provider);
    if (failed.length) {
      throw new ProviderUnavailable(
        failed.join(', '),
        `could not be asked where ${probe.label.toLowerCase()} ${id} is`,
      );
    }
    throw new ItemNotFound(probe.notFound?.(id) ?? `${probe.label} ${id} could not be found.`);
  }
}
