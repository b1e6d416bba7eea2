import type { ProviderDoc } from '../front-engine/merged-collection';

/**
 * Cinder's small collections over every provider. Pure.
 */
type Obj = Record<string, unknown>;

function list(doc: Obj, key: string): Obj[] {
  const v = doc[key];
  return Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as Obj[]) : [];
}

/**
 * `volume_types`: one entry per name, the first provider (priority order) winning. A type is asked for by name
 * at create time, and each provider has its own ids for the same names (`__DEFAULT__` exists everywhere).
 */
export function mergeVolumeTypes(docs: readonly ProviderDoc[]): Obj {
  const seen = new Set<string>();
  const out: Obj[] = [];
  for (const { doc } of docs) {
    for (const t of list(doc, 'volume_types')) {
      const key = typeof t['name'] === 'string' ? t['name'] : String(t['id']);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(t);
    }
  }
  return { volume_types: out };
}

/**
 * `availabilityZoneInfo`: the zones of every provider (one entry per name), plus one zone per provider named
 * after it, since a create with that zone goes to that provider (docs/contract.md "Naming a provider").
 */
export function mergeAvailabilityZones(docs: readonly ProviderDoc[], providers: readonly string[]): Obj {
  const byName = new Map<string, Obj>();
  for (const { doc } of docs) {
    for (const z of list(doc, 'availabilityZoneInfo')) {
      const name = String(z['zoneName']);
      const prev = byName.get(name);
      const available = isAvailable(z) || (prev !== undefined && isAvailable(prev));
      byName.set(name, { ...(prev ?? z), zoneState: { available } });
    }
  }
  const answered = new Set(docs.map((d) => d.provider));
  for (const p of providers) {
    if (!byName.has(p)) byName.set(p, { zoneName: p, zoneState: { available: answered.has(p) } });
  }
  return { availabilityZoneInfo: [...byName.values()] };
}

function isAvailable(z: Obj): boolean {
  return (z['zoneState'] as { available?: unknown } | undefined)?.available === true;
}
