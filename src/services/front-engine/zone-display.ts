/**
 * Where a server or volume lives, shown in the field clients already display (`openstack server list --long`,
 * `volume list --long`, Horizon): its availability zone reads `PROVIDER:zone` (just `PROVIDER` while the provider
 * has not set one). A create naming `PROVIDER:zone` goes back to that provider with `zone` (placement.ts). Pure.
 */
type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** `item[key]` as `PROVIDER:zone`; an item whose zone already names the provider is left alone. */
export function zoneAt(item: Obj, key: string, provider: string): Obj {
  if (!(key in item)) return item;
  const zone = item[key];
  if (typeof zone === 'string' && zone !== '') {
    if (zone === provider || zone.startsWith(`${provider}:`)) return item;
    return { ...item, [key]: `${provider}:${zone}` };
  }
  return { ...item, [key]: provider };
}

/** A show (`{"server": {...}}`, `{"volume": {...}}`) with its zone as `PROVIDER:zone`. */
export function showZoneAt(doc: unknown, wrapper: string, key: string, provider: string): unknown {
  if (!isObj(doc) || !isObj(doc[wrapper])) return doc;
  return { ...doc, [wrapper]: zoneAt(doc[wrapper], key, provider) };
}

export const SERVER_ZONE_KEY = 'OS-EXT-AZ:availability_zone';
export const VOLUME_ZONE_KEY = 'availability_zone';
