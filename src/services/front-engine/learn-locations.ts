import type { ResourceKind } from '../../location/location-cache';

/**
 * Resource ids in a provider's answer, so their location is remembered from every response the proxy sees.
 * Pure: `wrappers` maps a body key (`server`, `volumes`…) to the kind of what it holds.
 */
export interface SeenId {
  kind: ResourceKind;
  id: string;
  /** The document the id was found in (how far it is trusted depends on it: owner, visibility). */
  item: Record<string, unknown>;
}

export function idsIn(doc: unknown, wrappers: Readonly<Record<string, ResourceKind>>, bare?: ResourceKind): SeenId[] {
  const out: SeenId[] = [];
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return out;
  const obj = doc as Record<string, unknown>;
  const push = (kind: ResourceKind, item: unknown): void => {
    if (item === null || typeof item !== 'object') return;
    const id = (item as { id?: unknown }).id;
    if (typeof id === 'string' && id !== '') out.push({ kind, id, item: item as Record<string, unknown> });
  };
  for (const [key, kind] of Object.entries(wrappers)) {
    const v = obj[key];
    if (Array.isArray(v)) v.forEach((item) => push(kind, item));
    else if (v && typeof v === 'object') push(kind, v);
  }
  if (bare) push(bare, obj);
  return out;
}
