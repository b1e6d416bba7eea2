import type { Request } from 'express';
import { Conflict, ItemNotFound, ProviderUnavailable } from '../../errors/errors';
import { fanOut } from '../../fanout/fan-out';
import type { RequestContext } from '../../http/context';
import type { Caller } from '../../identity/caller';
import { recordAsked, recorded, verdictOf, type LocationKey } from '../../location/locate';
import type { LocationCache, ResourceKind } from '../../location/location-cache';
import type { HeaderBag } from '../../upstream/headers';
import { isUnmapped } from '../../identity/k2k/errors';
import { ServiceAbsent, type FrontClient } from './front-client';
import { holderTrust, mostTrusted, trustNeedsBody, type Trust } from './holder-trust';
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
  /** `proposal`: an `ID@provider` in a body of the same user's request still in flight. */
  via: 'explicit' | 'proposal' | 'cache' | 'broadcast';
}

/** A provider that answered 2xx for the id, and how far its copy is trusted. */
export interface Holder {
  provider: string;
  trust: Trust;
}

/** Probe answers are one small JSON document; anything bigger is not read. */
const PROBE_BODY_LIMIT = 256 * 1024;

/** The cache scope of a caller: ids are unique, but a location is only ever reused for the same home project. */
export function locationScope(caller: Caller): string {
  return caller.info.projectId ?? `user:${caller.info.userId}`;
}

/**
 * Where a Nova, Cinder, Glance or Neutron resource lives: the provider the client named, else an `ID@provider` of
 * the same user's request in flight, else the recorded location, else every provider asked in parallel (a show)
 * — the shared steps and rules are location/locate.ts's. Found nowhere → 404. Found at one provider: routed and
 * cached. Found at several: routed to the one most trusted holder (`mostTrusted`) without caching it, or 409 when
 * several share the best trust — never a guess.
 */
export class ResourceLocator {
  constructor(
    private readonly client: FrontClient,
    private readonly locations: LocationCache,
  ) {}

  /** What a listing or an answer showed: added, never moving a known location (see LocationCache.learn). */
  remember(caller: Caller, kind: ResourceKind, id: string, provider: string): void {
    this.locations.learn(kind, locationScope(caller), id, [provider]);
  }

  /** Several providers showed the id at once: ambiguous, never served from the cache. */
  ambiguous(caller: Caller, kind: ResourceKind, id: string, providers: readonly string[]): void {
    this.locations.learn(kind, locationScope(caller), id, providers);
  }

  /** Hold `ID@provider` refs of a request body while the request runs; returns the release. */
  propose(caller: Caller, refs: readonly { kind: ResourceKind; id: string; provider: string }[]): () => void {
    const releases = refs.map((r) =>
      this.locations.propose(r.kind, locationScope(caller), caller.info.userId, r.id, r.provider),
    );
    return () => releases.forEach((release) => release());
  }

  forget(caller: Caller, kind: ResourceKind, id: string): void {
    this.locations.forget(kind, locationScope(caller), id);
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
    const proposed = this.locations.proposed(probe.kind, locationScope(caller), caller.info.userId, id);
    if (proposed && this.client.providers.includes(proposed)) return { provider: proposed, via: 'proposal' };
    const hit = await recorded(this.locations, this.key(caller, probe.kind, id));
    if (hit?.length === 1 && this.client.providers.includes(hit[0] as string)) {
      return { provider: hit[0] as string, via: 'cache' };
    }
    return { provider: await this.broadcast(req, ctx, caller, probe, id), via: 'broadcast' };
  }

  /** Ask every provider in parallel; the one holder is remembered, several are ranked by trust. */
  async broadcast(req: Request, ctx: RequestContext, caller: Caller, probe: Probe, id: string): Promise<string> {
    const asked = await this.holders(req, ctx, caller, probe, id, this.client.providers);
    // Whoever made the other copies, an id at several providers is ambiguous: never cached as one location.
    recordAsked(this.locations, this.key(caller, probe.kind, id), asked, 'one');
    const verdict = verdictOf(asked, mostTrusted);
    switch (verdict.kind) {
      case 'at':
        return verdict.holder.provider;
      case 'ambiguous':
        throw new Conflict(
          `${probe.label} ${id} exists at several providers (${verdict.holders.map((f) => f.provider).join(', ')}); ` +
            `name one with ${id}@provider or the X-OCX-Provider header.`,
        );
      case 'unavailable':
        throw new ProviderUnavailable(
          verdict.failed.join(', '),
          `could not be asked where ${probe.label.toLowerCase()} ${id} is`,
        );
      case 'absent':
        throw new ItemNotFound(probe.notFound?.(id) ?? `${probe.label} ${id} could not be found.`);
    }
  }

  private key(caller: Caller, kind: ResourceKind, id: string): LocationKey {
    return { kind, scope: locationScope(caller), id };
  }

  /**
   * Which of `providers` hold the id for this caller (2xx to a show), with each copy's trust; `failed`: the
   * providers that could not be asked.
   */
  async holders(
    req: Request,
    ctx: RequestContext,
    caller: Caller,
    probe: Probe,
    id: string,
    providers: readonly string[],
  ): Promise<{ found: Holder[]; failed: string[] }> {
    const result = await fanOut(
      [...providers],
      async (provider, signal): Promise<Trust | undefined> => {
        const { response, endpoint } = await this.client.send(
          req,
          ctx,
          caller,
          provider,
          (ep) => ({ method: 'GET', url: probe.url(ep, id), clientHeaders: false, headers: probe.headers }),
          { signal },
        );
        const ok = response.status >= 200 && response.status < 300;
        if (ok && trustNeedsBody(probe.kind)) {
          // The body untranslated: only the caller's own project at that provider makes a copy its own.
          return holderTrust(probe.kind, await probeBody(response), endpoint.providerProjectId);
        }
        response.body.resume();
        if (ok) return 'own';
        // 403: the resource exists but not for this user there; as good as absent.
        if (response.status === 404 || response.status === 403) return undefined;
        throw new ProviderUnavailable(provider, `answered HTTP ${response.status}`);
      },
      { signal: ctx.signal, deadline: ctx.deadline },
    );
    const found = result.ok.flatMap((r) => (r.value ? [{ provider: r.provider, trust: r.value }] : []));
    // A provider where the caller has no project holds nothing of theirs: absent, like one without the service.
    const failed = result.failed
      .filter((f) => !(f.error instanceof ServiceAbsent) && !isUnmapped(f.error))
      .map((f) => f.provider);
    return { found, failed };
  }
}

/** A show answer's document; an unreadable one is a holder nobody vouches for. */
async function probeBody(response: { text(limit?: number): Promise<string> }): Promise<unknown> {
  try {
    return JSON.parse(await response.text(PROBE_BODY_LIMIT)) as unknown;
  } catch {
    return undefined;
  }
}
