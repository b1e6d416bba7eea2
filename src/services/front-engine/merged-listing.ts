import type { Request, Response } from 'express';
import { ItemNotFound, ProviderUnavailable } from '../../errors/errors';
import { fanOut, partialHeader, type ProviderFailure, type ProviderSuccess } from '../../fanout/fan-out';
import { contextOf, type RequestContext } from '../../http/context';
import type { Caller } from '../../identity/caller';
import { parseAtProvider } from '../../location/parse-at-provider';
import { stripHopByHop } from '../../upstream/headers';
import type { Front } from './front';
import { isUnmapped } from '../../identity/k2k/errors';
import { ServiceAbsent } from './front-client';
import { cursorBinding, type Cursors, type ListingCursors } from './listing-cursors';
import { parseListingOrder } from './listing-order';
import { guardAllTenants, markerNotFound, nextQuery, parseLimit } from './listing-params';
import type { ListingSpec } from './listing-spec';
import { holderTrust } from './holder-trust';
import { mergeWindow, nextCursors, type MergedWindow, type ProviderPage } from './merge-window';
import { rawQuery } from './path-segments';
import { fetchProviderPage, type Item, type PageFetch, type PageOutcome, type PageStart } from './provider-page';
import { fetchMarkerItem } from './marker-item';
import { pickMicroversionHeaders } from './microversion-headers';

type Page = Extract<PageOutcome, { kind: 'page' }>;

/** One merged page to serve, once the service's own reading of the client's query is done. */
export interface MergePlan {
  providers: readonly string[];
  /** What each provider is asked, without limit/marker. */
  query: URLSearchParams;
  /** The client's query without limit/marker: part of what a sealed next marker is bound to. */
  clientQuery: URLSearchParams;
  limit: number | undefined;
  marker: string | undefined;
  compare: (a: Item, b: Item) => number;
  /** The service's own answer for a marker no provider has. */
  markerNotFound: (id: string) => Error;
}

/** The merged page: the providers' answers, the window the client sees and the sealed marker of the next page. */
export interface MergedPage {
  ok: ProviderSuccess<Page>[];
  failed: ProviderFailure[];
  window: MergedWindow<Item>;
  nextMarker?: string;
}

/**
 * What every merged listing shares (Nova, Cinder, Glance, Neutron): the providers in scope, each asked in parallel
 * from where the client's marker puts it, a provider's 4xx relayed as is, the partial-result rule, the pages merged
 * in the service's order, locations learned, the next marker sealed, `X-OCX-Partial`/`X-OCX-Provider` set. The
 * services differ only in how they read the query and render the body.
 */
export class ListingMerger {
  constructor(
    private readonly front: Front,
    private readonly cursors: ListingCursors,
  ) {}

  /**
   * The providers to ask: all, the targeted one, or the one a `name=NAME@provider` filter names (`named`): the
   * clients' way of looking a resource up by name (cinderclient, openstacksdk and novaclient `find`).
   */
  scope(req: Request, params: URLSearchParams): { providers: string[]; query: URLSearchParams; named?: string } {
    const query = new URLSearchParams(params);
    const targeted = this.front.targeted(req);
    const providers = targeted ? [targeted] : this.front.client.providers;
    const name = query.get('name');
    if (name === null) return { providers, query };
    const parsed = parseAtProvider(name, this.front.known);
    if (!parsed.provider) return { providers, query };
    query.set('name', parsed.id);
    return { providers: providers.includes(parsed.provider) ? [parsed.provider] : [], query, named: parsed.provider };
  }

  /** The merged page, or undefined when a provider's client error has been relayed as the answer. */
  async merge(
    req: Request,
    res: Response,
    caller: Caller,
    spec: ListingSpec,
    plan: MergePlan,
  ): Promise<MergedPage | undefined> {
    const ctx = contextOf(res.locals);
    const { providers, limit } = plan;
    const listingKey = `${this.front.service}|${spec.clientSegments.join('/')}|${providers.join(',')}|${plan.clientQuery}`;
    const binding = cursorBinding(caller.info.userId, caller.info.projectId);
    const fetch: PageFetch = {
      client: this.front.client,
      req,
      ctx,
      caller,
      spec,
      query: plan.query,
      limit,
      signal: ctx.signal,
    };
    const starts =
      plan.marker !== undefined
        ? await this.startsAfter(fetch, plan, binding, listingKey, plan.marker)
        : Object.fromEntries(providers.map((p) => [p, { cursor: null }]));

    const result = await fanOut(
      providers,
      (p, signal) => fetchProviderPage({ ...fetch, signal }, p, starts[p] ?? { cursor: null }),
      { signal: ctx.signal, deadline: ctx.deadline },
    );
    const clientError = result.ok.find((r) => r.value.kind === 'client-error');
    if (clientError?.value.kind === 'client-error') {
      relayClientError(res, ctx, clientError.provider, clientError.value);
      return undefined;
    }
    // No project at a provider: nothing of the caller's there, so absent (no X-OCX-Partial), not failed.
    const failed = result.failed.filter((f) => !(f.error instanceof ServiceAbsent) && !isUnmapped(f.error));
    const ok = result.ok as ProviderSuccess<Page>[];
    if (failed.length && (this.front.deps.config.strictListings || ok.length === 0)) {
      throw new ProviderUnavailable(partialHeader(failed) as string, 'could not be listed', {
        cause: failed[0]?.error,
      });
    }
    const decorate = spec.decorate;
    const pages: ProviderPage<Item>[] = ok.map((r) => ({
      provider: r.provider,
      items: decorate ? r.value.items.map((i) => decorate(i, r.provider)) : r.value.items,
      more: r.value.more,
    }));
    this.learn(caller, spec, pages);
    const window = mergeWindow(pages, plan.compare, limit);
    let nextMarker: string | undefined;
    if (window.more) {
      const lastId = String(window.items[window.items.length - 1]?.item['id']);
      const before: Cursors = Object.fromEntries(ok.map((r) => [r.provider, r.value.cursorBefore]));
      const after = nextCursors(before, window.items, (i) => String(i['id']));
      nextMarker = this.cursors.seal(binding, listingKey, lastId, after);
    }
    const partial = partialHeader(failed);
    if (partial) res.setHeader('X-OCX-Partial', partial);
    if (providers.length === 1) {
      res.setHeader('X-OCX-Provider', providers[0] as string);
      ctx.provider = providers[0];
    }
    return { ok, failed, window, nextMarker };
  }

  /** Where each provider's part starts after the client's marker: its sealed cursors, else by sort values. */
  private async startsAfter(
    fetch: PageFetch,
    plan: MergePlan,
    binding: string,
    listingKey: string,
    markerRef: string,
  ): Promise<Record<string, PageStart>> {
    const { providers } = plan;
    const start = this.cursors.open(binding, listingKey, markerRef);
    if (start.kind === 'cursors' && providers.every((p) => p in start.cursors)) {
      const { cursors } = start;
      return Object.fromEntries(providers.map((p) => [p, { cursor: cursors[p] ?? null }]));
    }
    const parsed = parseAtProvider(start.id, this.front.known);
    const marker = await this.locateMarker(fetch, plan, parsed.id, parsed.provider);
    const starts: Record<string, PageStart> = {};
    for (const p of providers) {
      starts[p] = p === marker.provider ? { cursor: parsed.id } : { after: marker.item, compare: plan.compare };
    }
    return starts;
  }

  private async locateMarker(
    fetch: PageFetch,
    plan: MergePlan,
    id: string,
    explicit: string | undefined,
  ): Promise<{ provider: string; item: Item }> {
    const { req, ctx, caller, spec } = fetch;
    try {
      const located = await this.front.locator.locate(req, ctx, caller, spec.probe, id, explicit);
      const item = await fetchMarkerItem(this.front.client, req, ctx, caller, spec, located.provider, id);
      if (item) return { provider: located.provider, item };
    } catch (err) {
      if (!(err instanceof ItemNotFound)) throw err;
    }
    throw plan.markerNotFound(id);
  }

  /**
   * Locations the pages show. An id listed by two providers is ambiguous (kept so, never cached as one of them);
   * a copy any tenant could have made (community, shared images) is never learned from a listing.
   */
  private learn(caller: Caller, spec: ListingSpec, pages: readonly ProviderPage<Item>[]): void {
    const seen = new Map<string, { providers: Set<string>; item: Item; provider: string }>();
    for (const p of pages) {
      for (const item of p.items) {
        const id = item['id'];
        if (typeof id !== 'string' || !id) continue;
        const entry = seen.get(id) ?? { providers: new Set<string>(), item, provider: p.provider };
        entry.providers.add(p.provider);
        seen.set(id, entry);
      }
    }
    const { locator } = this.front;
    for (const [id, { providers, item, provider }] of seen) {
      if (providers.size > 1) locator.ambiguous(caller, spec.kind, id, [...providers]);
      else if (holderTrust(spec.kind, item, caller.info.projectId) !== 'other')
        locator.remember(caller, spec.kind, id, provider);
    }
  }
}

/**
 * Merged `servers`, `volumes`, `snapshots` and `images` (docs/contract.md "Merged listings"): every provider asked in
 * parallel with the client's filters and sort, pages merged in the service's order, marker/limit paging equal to
 * one big listing, next links at the proxy, `X-OCX-Partial` (or 503 with `strict_listings`) when a provider fails.
 */
export class MergedListings {
  private readonly merger: ListingMerger;

  constructor(
    private readonly front: Front,
    cursors: ListingCursors,
  ) {
    this.merger = new ListingMerger(front, cursors);
  }

  /** `selfHref`: the collection's URL as the client sees it (absolute for Nova/Cinder, relative for Glance). */
  async serve(req: Request, res: Response, spec: ListingSpec, selfHref: string): Promise<void> {
    const caller = await this.front.caller(req);
    const clientParams = new URLSearchParams(rawQuery(req.originalUrl).slice(1));
    const limit = parseLimit(clientParams.get('limit'));
    const markerRef = clientParams.get('marker');
    clientParams.delete('limit');
    clientParams.delete('marker');
    const allowed = spec.guardsAllTenants
      ? guardAllTenants(spec.family, clientParams, caller.info.roles)
      : clientParams;
    const { providers, query, named } = this.merger.scope(req, allowed);
    const order = parseListingOrder(spec.family, query);
    const page = await this.merger.merge(req, res, caller, spec, {
      providers,
      query,
      clientQuery: clientParams,
      limit,
      marker: markerRef || undefined,
      compare: order.compare,
      markerNotFound: (id) => markerNotFound(spec.family, id),
    });
    if (!page) return;
    const { ok, window, nextMarker } = page;
    const next = nextMarker === undefined ? undefined : `${selfHref}?${nextQuery(clientParams, limit, nextMarker)}`;
    const shown = named ? withNameSuffix(window, named) : window;
    res.set(
      pickMicroversionHeaders(
        ok.map((r) => ({ provider: r.provider, headers: r.value.headers })),
        this.front.home,
      ),
    );
    res.status(200).json(renderListing(spec, shown, ok, next, selfHref, clientParams));
  }
}

/**
 * Items found by `name=NAME@provider` are shown as `NAME@provider`: the clients' `find` keeps only items whose
 * name equals what the user typed (cinderclient `findall`, openstacksdk `_find`), then uses the id.
 */
function withNameSuffix(window: MergedWindow<Item>, provider: string): MergedWindow<Item> {
  return {
    ...window,
    items: window.items.map((m) =>
      typeof m.item['name'] === 'string' ? { ...m, item: { ...m.item, name: `${m.item['name']}@${provider}` } } : m,
    ),
  };
}

function renderListing(
  spec: ListingSpec,
  window: MergedWindow<Item>,
  ok: ProviderSuccess<Page>[],
  next: string | undefined,
  selfHref: string,
  clientParams: URLSearchParams,
): Record<string, unknown> {
  const items = window.items.map((m) => (spec.project ? spec.project(m.item) : m.item));
  if (spec.family === 'glance') {
    const q = clientParams.toString();
    const body: Record<string, unknown> = { [spec.collection]: items, first: q ? `${selfHref}?${q}` : selfHref };
    body['schema'] = `/v2/schemas/${spec.collection}`;
    if (next) body['next'] = next;
    return body;
  }
  const body: Record<string, unknown> = { [spec.collection]: items };
  if (next) body[`${spec.collection}_links`] = [{ href: next, rel: 'next' }];
  // Cinder `with_count` (3.45): the total over every provider.
  const counts = ok.map((r) => r.value.count);
  if (counts.length && counts.every((c) => typeof c === 'number')) {
    body['count'] = counts.reduce((a: number, c) => a + (c as number), 0);
  }
  return body;
}

function relayClientError(
  res: Response,
  ctx: RequestContext,
  provider: string,
  err: Extract<PageOutcome, { kind: 'client-error' }>,
): void {
  const headers = stripHopByHop(err.headers);
  const type = headers['content-type'];
  ctx.provider = provider;
  res.status(err.status);
  if (type) res.setHeader('content-type', type);
  res.setHeader('X-OCX-Provider', provider);
  res.send(err.body);
}
