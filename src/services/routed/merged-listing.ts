import type { Request, Response } from 'express';
import { ItemNotFound, ProviderUnavailable } from '../../errors/errors';
import { fanOut, partialHeader, type ProviderSuccess } from '../../fanout/fan-out';
import { contextOf, type RequestContext } from '../../http/context';
import type { Caller } from '../../identity/provider-sessions';
import { parseAtProvider } from '../../location/parse-at-provider';
import { stripHopByHop } from '../../upstream/headers';
import type { Front } from './front';
import { isUnmapped } from '../../identity/k2k/errors';
import { ServiceAbsent } from './front-client';
import type { Cursors, ListingCursors } from './listing-cursors';
import { parseListingOrder, type ListingOrder } from './listing-order';
import { guardAllTenants, markerNotFound, nextQuery, parseLimit } from './listing-params';
import type { ListingSpec } from './listing-spec';
import { holderTrust } from './holder-trust';
import { locationScope } from './locate-resource';
import { mergeWindow, nextCursors, type MergedWindow, type ProviderPage } from './merge-window';
import { rawQuery } from './path-segments';
import { fetchProviderPage, type Item, type PageFetch, type PageOutcome, type PageStart } from './provider-page';
import { fetchMarkerItem } from './marker-item';

type Page = Extract<PageOutcome, { kind: 'page' }>;

/**
 * Merged `servers`, `volumes`, `snapshots` and `images` (DESIGN.md "Merged listings"): every provider asked in
 * parallel with the client's filters and sort, pages merged in the service's order, marker/limit paging equal to
 * one big listing, next links at the proxy, `X-OCX-Partial` (or 503 with `strict_listings`) when a provider fails.
 */
export class MergedListings {
  constructor(
    private readonly front: Front,
    private readonly cursors: ListingCursors,
  ) {}

  /** `selfHref`: the collection's URL as the client sees it (absolute for Nova/Cinder, relative for Glance). */
  async serve(req: Request, res: Response, spec: ListingSpec, selfHref: string): Promise<void> {
    const ctx = contextOf(res.locals);
    const caller = await this.front.caller(req);
    const clientParams = new URLSearchParams(rawQuery(req.originalUrl).slice(1));
    const limit = parseLimit(clientParams.get('limit'));
    const markerRef = clientParams.get('marker');
    clientParams.delete('limit');
    clientParams.delete('marker');
    const allowed = spec.guardsAllTenants
      ? guardAllTenants(spec.family, clientParams, caller.info.roles)
      : clientParams;
    const { providers, query, named } = this.scope(req, allowed);
    const order = parseListingOrder(spec.family, query);
    const listingKey = `${this.front.service}|${spec.clientSegments.join('/')}|${providers.join(',')}|${clientParams}`;
    const scope = locationScope(caller);
    const fetch: PageFetch = { client: this.front.client, req, ctx, caller, spec, query, limit, signal: ctx.signal };
    const starts = markerRef
      ? await this.startsAfter(fetch, providers, order, scope, listingKey, markerRef)
      : Object.fromEntries(providers.map((p) => [p, { cursor: null }]));

    const result = await fanOut(
      providers,
      (p, signal) => fetchProviderPage({ ...fetch, signal }, p, starts[p] ?? { cursor: null }),
      { signal: ctx.signal, deadline: ctx.deadline },
    );
    const clientError = result.ok.find((r) => r.value.kind === 'client-error');
    if (clientError?.value.kind === 'client-error')
      return relayClientError(res, ctx, clientError.provider, clientError.value);
    // No project at a provider: nothing of the caller's there, so absent (no X-OCX-Partial), not failed.
    const failed = result.failed.filter((f) => !(f.error instanceof ServiceAbsent) && !isUnmapped(f.error));
    const ok = result.ok as ProviderSuccess<Page>[];
    if (failed.length && (this.front.deps.config.strictListings || ok.length === 0)) {
      throw new ProviderUnavailable(partialHeader(failed) as string, 'could not be listed', {
        cause: failed[0]?.error,
      });
    }
    const pages: ProviderPage<Item>[] = ok.map((r) => ({
      provider: r.provider,
      items: r.value.items,
      more: r.value.more,
    }));
    this.learn(caller, spec, pages);
    const window = mergeWindow(pages, order.compare, limit);
    const nextMarker = window.more ? String(window.items[window.items.length - 1]?.item['id']) : undefined;
    if (nextMarker !== undefined) {
      const before: Cursors = Object.fromEntries(ok.map((r) => [r.provider, r.value.cursorBefore]));
      this.cursors.set(
        scope,
        listingKey,
        nextMarker,
        nextCursors(before, window.items, (i) => String(i['id'])),
      );
    }
    const partial = partialHeader(failed);
    if (partial) res.setHeader('X-OCX-Partial', partial);
    if (providers.length === 1) {
      res.setHeader('X-OCX-Provider', providers[0] as string);
      ctx.provider = providers[0];
    }
    const next = nextMarker === undefined ? undefined : `${selfHref}?${nextQuery(clientParams, limit, nextMarker)}`;
    const shown = named ? withNameSuffix(window, named) : window;
    res.status(200).json(renderListing(spec, shown, ok, next, selfHref, clientParams));
  }

  /**
   * The providers to ask: all, the targeted one, or the one a `name=NAME@provider` filter names (`named`): the
   * clients' way of looking a resource up by name (cinderclient, openstacksdk and novaclient `find`).
   */
  private scope(
    req: Request,
    params: URLSearchParams,
  ): { providers: string[]; query: URLSearchParams; named?: string } {
    const query = new URLSearchParams(params);
    let providers = this.front.client.providers;
    const targeted = this.front.targeted(req);
    if (targeted) providers = [targeted];
    const name = query.get('name');
    if (name === null) return { providers, query };
    const parsed = parseAtProvider(name, this.front.known);
    if (!parsed.provider) return { providers, query };
    query.set('name', parsed.id);
    return { providers: providers.includes(parsed.provider) ? [parsed.provider] : [], query, named: parsed.provider };
  }

  /** Where each provider's part starts after the client's marker: remembered cursors, else by sort values. */
  private async startsAfter(
    fetch: PageFetch,
    providers: readonly string[],
    order: ListingOrder,
    scope: string,
    listingKey: string,
    markerRef: string,
  ): Promise<Record<string, PageStart>> {
    const parsed = parseAtProvider(markerRef, this.front.known);
    const remembered = this.cursors.get(scope, listingKey, parsed.id);
    if (remembered && providers.every((p) => p in remembered)) {
      return Object.fromEntries(providers.map((p) => [p, { cursor: remembered[p] ?? null }]));
    }
    const marker = await this.locateMarker(fetch, parsed.id, parsed.provider);
    const starts: Record<string, PageStart> = {};
    for (const p of providers) {
      starts[p] = p === marker.provider ? { cursor: parsed.id } : { after: marker.item, compare: order.compare };
    }
    return starts;
  }

  private async locateMarker(
    fetch: PageFetch,
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
    throw markerNotFound(spec.family, id);
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
