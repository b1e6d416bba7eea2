/**
 * How the twins of a spanning network (or of a subnet on one) find each other at the providers themselves, with
 * no database of the proxy's own (docs/networking.md): Neutron tags. Pure.
 *
 * - every twin carries `ocx-span:<physnet>:<segment>` (segment-pool.ts `spanTag`; `vxlan` stands for the physical
 *   network of a VXLAN pool);
 * - the primary, the twin whose id the client sees, carries `ocx-at:<provider>` for each provider it spans, in the
 *   order the twins were made (its own first);
 * - every other twin carries `ocx-twin:<primary id>` and is never shown to the client.
 */
export const AT_PREFIX = 'ocx-at:';
export const TWIN_PREFIX = 'ocx-twin:';
const SPAN = /^ocx-span:(.+):(\d+)$/;

export type Item = Record<string, unknown>;

export interface Span {
  /** `ocx-span:<physnet>:<segment>`. */
  spanTag: string;
  segment: number;
  /** The primary's providers (its `ocx-at:` tags), primary's first; empty on a twin. */
  providers: string[];
  /** On a twin: the id of its primary. */
  primaryId?: string;
}

function tagsOf(item: Item): string[] {
  const tags = item['tags'];
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
}

/** The span an item's tags describe; undefined for an ordinary network or subnet. */
export function spanOf(item: Item): Span | undefined {
  const tags = tagsOf(item);
  let span: Span | undefined;
  for (const t of tags) {
    const m = SPAN.exec(t);
    if (m) span = { spanTag: t, segment: Number(m[2]), providers: [] };
  }
  if (!span) return undefined;
  for (const t of tags) {
    if (t.startsWith(AT_PREFIX) && t.length > AT_PREFIX.length) span.providers.push(t.slice(AT_PREFIX.length));
    if (t.startsWith(TWIN_PREFIX) && t.length > TWIN_PREFIX.length) span.primaryId = t.slice(TWIN_PREFIX.length);
  }
  return span;
}

/** A primary: spanning and not the twin of another. */
export function isPrimary(item: Item): boolean {
  const s = spanOf(item);
  return s !== undefined && s.primaryId === undefined;
}

export function primaryTags(spanTag: string, providers: readonly string[]): string[] {
  return [spanTag, ...providers.map((p) => `${AT_PREFIX}${p}`)];
}

export function twinTags(spanTag: string, primaryId: string): string[] {
  return [spanTag, `${TWIN_PREFIX}${primaryId}`];
}

/** The twin tag to list a primary's twins by (`?tags=`). */
export function twinTag(primaryId: string): string {
  return `${TWIN_PREFIX}${primaryId}`;
}

/**
 * A merged listing of networks or subnets as the client sees it (`ownProject`: the caller's project, as the items
 * name it): the caller's own twins other than the primary left out, and the caller's own spanning network's
 * `availability_zones` the providers it spans. Tags are anyone's to set: another project's network (shared into
 * the caller's view) is shown as its provider has it. Other collections pass unchanged.
 */
export function collapseTwins(collection: string, items: readonly Item[], ownProject: string | undefined): Item[] {
  if (collection !== 'networks' && collection !== 'subnets') return [...items];
  const out: Item[] = [];
  for (const item of items) {
    const span = item['project_id'] === ownProject ? spanOf(item) : undefined;
    if (span?.primaryId !== undefined) continue;
    out.push(span && collection === 'networks' ? { ...item, availability_zones: span.providers } : item);
  }
  return out;
}

/**
 * The upstream query of a networks or subnets listing: with `fields=`, `tags` and `project_id` are asked too, so
 * that `collapseTwins` can tell the caller's twins (removed again with the other added fields before the client
 * sees the items).
 */
export function withTwinFields(collection: string, upstream: URLSearchParams): URLSearchParams {
  if (collection !== 'networks' && collection !== 'subnets') return upstream;
  const fields = upstream.getAll('fields');
  for (const f of ['tags', 'project_id']) if (fields.length && !fields.includes(f)) upstream.append('fields', f);
  return upstream;
}
