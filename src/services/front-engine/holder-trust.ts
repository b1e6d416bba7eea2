import type { ResourceKind } from '../../location/location-cache';

/**
 * How far a caller can trust one provider's copy of an id, best first. Glance lets any tenant choose an image's
 * id, so the same id can be made at a second provider by someone else; who can have made each copy decides:
 * - `own`: owned by the caller's own project there (only its members, or that provider's admin, make those);
 * - `public`: publicizing an image takes the provider's admin under Glance's default policy;
 * - `other`: community or shared images, which any tenant of that provider can make.
 * Servers, volumes and snapshots are project-scoped and their ids are never client-chosen: always `own`. Pure.
 */
export type Trust = 'own' | 'public' | 'other';

export const TRUST_ORDER: readonly Trust[] = ['own', 'public', 'other'];

/** Whether telling holders apart needs the resource itself (a probe must read the body). */
export function trustNeedsBody(kind: ResourceKind): boolean {
  return kind === 'image';
}

/** `ownProject`: the caller's project as `doc` names it (the provider's project in a raw body, else the home one). */
export function holderTrust(kind: ResourceKind, doc: unknown, ownProject: string | undefined): Trust {
  if (!trustNeedsBody(kind)) return 'own';
  if (doc === null || typeof doc !== 'object') return 'other';
  const { owner, visibility } = doc as { owner?: unknown; visibility?: unknown };
  if (ownProject !== undefined && owner === ownProject) return 'own';
  return visibility === 'public' ? 'public' : 'other';
}

/** The holders of the best trust present: one is a route, several are a conflict. */
export function mostTrusted<H extends { trust: Trust }>(holders: readonly H[]): H[] {
  for (const t of TRUST_ORDER) {
    const tier = holders.filter((h) => h.trust === t);
    if (tier.length) return tier;
  }
  return [];
}
