import type { Request, Response } from 'express';
import { ItemNotFound } from '../../errors/errors';
import type { Front } from '../front-engine/front';
import type { ListingCursors } from '../front-engine/listing-cursors';
import { nextQuery } from '../front-engine/listing-params';
import type { ListingSpec } from '../front-engine/listing-spec';
import { ListingMerger } from '../front-engine/merged-listing';
import { rawQuery } from '../front-engine/path-segments';
import { onlyFields, parseNeutronQuery } from './neutron-query';
import { collapseTwins, withTwinFields } from './spanning/span-tags';

/**
 * Merged Neutron listings (docs/networking.md): every provider asked in parallel with the client's filters, tags
 * and fields and the full sort, pages merged in Neutron's order, limit/marker paging equal to one big listing,
 * `<collection>_links` next links at the proxy, `X-OCX-Partial` (or 503 with `strict_listings`) when a provider
 * fails. The front engine's ListingMerger (merged-listing.ts) does the work; this reads Neutron's query and
 * renders Neutron's body.
 */
export class NeutronListings {
  private readonly merger: ListingMerger;

  constructor(
    private readonly front: Front,
    cursors: ListingCursors,
  ) {
    this.merger = new ListingMerger(front, cursors);
  }

  async serve(req: Request, res: Response, spec: ListingSpec, selfHref: string): Promise<void> {
    const caller = await this.front.caller(req);
    const q = parseNeutronQuery(rawQuery(req.originalUrl));
    const { providers, query, named } = this.merger.scope(req, withTwinFields(spec.collection, q.upstream));
    const page = await this.merger.merge(req, res, caller, spec, {
      providers,
      query,
      clientQuery: q.client,
      limit: q.limit,
      marker: q.marker,
      compare: q.compare,
      // Neutron's own answer for an unknown marker is the resource's not-found.
      markerNotFound: (id) =>
        new ItemNotFound(spec.probe.notFound?.(id) ?? `${spec.probe.label} ${id} could not be found.`),
    });
    if (!page) return;
    const { window, nextMarker } = page;
    // A spanning network's twins are one network to the client (spanning/span-tags.ts).
    const shown = collapseTwins(
      spec.collection,
      window.items.map((m) => m.item),
      caller.info.projectId,
    );
    const items = shown.map((item) => {
      const named_ = named && typeof item['name'] === 'string' ? { ...item, name: `${item['name']}@${named}` } : item;
      return onlyFields(named_, q.fields);
    });
    const body: Record<string, unknown> = { [spec.collection]: items };
    if (nextMarker !== undefined) {
      const next = `${selfHref}?${nextQuery(q.client, q.limit, nextMarker)}`;
      body[`${spec.collection}_links`] = [{ rel: 'next', href: next }];
    }
    res.status(200).json(body);
  }
}
