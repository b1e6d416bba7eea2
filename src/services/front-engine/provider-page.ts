import type { Request } from 'express';
import { rewriteUrlsDeep } from '../../catalog/links';
import { ProviderUnavailable } from '../../errors/errors';
import type { RequestContext } from '../../http/context';
import type { Caller } from '../../identity/caller';
import type { HeaderBag } from '../../upstream/headers';
import type { FrontClient } from './front-client';
import type { ListingSpec } from './listing-spec';
import { joinPath } from './path-segments';
import { towardsClient, translateProjectIds, translateQueryProjects, towardsProvider } from './project-ids';

export type Item = Record<string, unknown>;

/** Where a provider's part of the listing starts: after its own item `cursor` (null: its start), or after an
 *  item of another provider, by sort values (`after`). */
export type PageStart = { cursor: string | null } | { after: Item; compare: (a: Item, b: Item) => number };

export type PageOutcome =
  | {
      kind: 'page';
      items: Item[];
      more: boolean;
      cursorBefore: string | null;
      count?: number;
      /** The provider's answer's headers (the microversion it used). */
      headers?: HeaderBag;
    }
  /** A client error the provider answered (bad filter, bad sort key): relayed as the service's own 4xx. */
  | { kind: 'client-error'; status: number; headers: HeaderBag; body: string };

const MAX_SCAN_PAGES = 50;
const LIST_BODY_LIMIT = 32 * 1024 * 1024;

export interface PageFetch {
  client: FrontClient;
  req: Request;
  ctx: RequestContext;
  caller: Caller;
  spec: ListingSpec;
  /** Filters and sort, without marker/limit. */
  query: URLSearchParams;
  limit?: number;
  signal: AbortSignal;
}

/** One provider's contribution to a merged page: its items after `start`, in the listing's order. */
export async function fetchProviderPage(f: PageFetch, provider: string, start: PageStart): Promise<PageOutcome> {
  if ('cursor' in start) return fetchOne(f, provider, start.cursor, f.limit);
  let cursor: string | null = null;
  let cursorBefore: string | null = null;
  const collected: Item[] = [];
  const size = Math.min(Math.max(f.limit ?? 0, 100), 1000);
  for (let i = 0; i < MAX_SCAN_PAGES; i++) {
    const page = await fetchOne(f, provider, cursor, size);
    if (page.kind !== 'page') return page;
    for (const item of page.items) {
      if (collected.length === 0 && start.compare(item, start.after) <= 0) cursorBefore = String(item['id']);
      else collected.push(item);
    }
    const enough = f.limit === undefined ? collected.length > 0 : collected.length >= f.limit;
    if (!page.more || enough)
      return {
        kind: 'page',
        items: collected,
        more: page.more,
        cursorBefore,
        count: page.count,
        headers: page.headers,
      };
    cursor = String(page.items[page.items.length - 1]?.['id'] ?? '');
  }
  throw new ProviderUnavailable(provider, `has more than ${MAX_SCAN_PAGES} pages before the marker`);
}

async function fetchOne(f: PageFetch, provider: string, marker: string | null, limit?: number): Promise<PageOutcome> {
  const { response, endpoint, session } = await f.client.send(
    f.req,
    f.ctx,
    f.caller,
    provider,
    (ep) => {
      const q = translateQueryProjects(f.query, towardsProvider(ep.homeProjectId, ep.providerProjectId));
      if (limit !== undefined) q.set('limit', String(limit));
      if (marker !== null) q.set('marker', marker);
      const qs = q.toString();
      return { method: 'GET', url: ep.base + joinPath(f.spec.upstreamSegments) + (qs ? `?${qs}` : '') };
    },
    { signal: f.signal },
  );
  const text = await response.text(LIST_BODY_LIMIT);
  if (response.status >= 400 && response.status < 500) {
    // A provider's own 401/403/404 is its problem (partial); home's, or a 400 anywhere, is the client's. So is a
    // 404 for the marker we passed (the marker's resource was deleted): answer as the service would, instead of
    // a listing that silently lacks that provider.
    const markerGone = marker !== null && response.status === 404;
    const clientsFault = response.status === 400 || session.kind === 'home' || markerGone;
    if (clientsFault) return { kind: 'client-error', status: response.status, headers: response.headers, body: text };
  }
  if (response.status < 200 || response.status >= 300) {
    throw new ProviderUnavailable(provider, `answered HTTP ${response.status} to a listing`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ProviderUnavailable(provider, 'answered a listing that is not JSON', { cause: err });
  }
  const clean = translateProjectIds(
    rewriteUrlsDeep(doc, endpoint.mappings),
    towardsClient(endpoint.homeProjectId, endpoint.providerProjectId),
  ) as Record<string, unknown>;
  const raw = clean[f.spec.collection];
  const items = Array.isArray(raw) ? (raw.filter((x) => x && typeof x === 'object') as Item[]) : [];
  const count = typeof clean['count'] === 'number' ? clean['count'] : undefined;
  const more = hasNext(clean, f.spec.collection);
  return { kind: 'page', items, more, cursorBefore: marker, count, headers: response.headers };
}

/** Nova/Cinder `<collection>_links` with rel=next; Glance `next`. */
function hasNext(doc: Record<string, unknown>, collection: string): boolean {
  if (typeof doc['next'] === 'string') return true;
  const links = doc[`${collection}_links`];
  return Array.isArray(links) && links.some((l) => (l as { rel?: unknown } | null)?.rel === 'next');
}
