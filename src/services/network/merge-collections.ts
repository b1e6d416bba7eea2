import type { ProviderDoc } from '../front-engine/merged-collection';

/** Neutron's small collections over every provider. Pure. */
type Obj = Record<string, unknown>;

function list(doc: Obj, key: string): Obj[] {
  const v = doc[key];
  return Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as Obj[]) : [];
}

/**
 * `extensions`: those every answering provider has (by alias), in the first provider's order and words. Clients
 * switch features on by alias (openstacksdk, Horizon); one a provider lacks would fail there.
 */
export function mergeExtensions(docs: readonly ProviderDoc[]): Obj {
  const [first, ...rest] = docs;
  if (!first) return { extensions: [] };
  const others = rest.map((d) => new Set(list(d.doc, 'extensions').map((e) => e['alias'])));
  return { extensions: list(first.doc, 'extensions').filter((e) => others.every((s) => s.has(e['alias']))) };
}

/**
 * `availability_zones`: every provider's own zones, plus one zone per provider named after it for networks and
 * routers, since a create hinted to that zone goes to that provider (docs/networking.md).
 */
export function mergeAvailabilityZones(docs: readonly ProviderDoc[], providers: readonly string[]): Obj {
  const out = new Map<string, Obj>();
  for (const { doc } of docs) {
    for (const z of list(doc, 'availability_zones')) {
      const key = `${String(z['name'])}|${String(z['resource'])}`;
      const prev = out.get(key);
      out.set(key, prev && prev['state'] === 'available' ? prev : z);
    }
  }
  const answered = new Set(docs.map((d) => d.provider));
  for (const p of providers) {
    for (const resource of ['network', 'router']) {
      const key = `${p}|${resource}`;
      if (!out.has(key)) out.set(key, { name: p, resource, state: answered.has(p) ? 'available' : 'unavailable' });
    }
  }
  return { availability_zones: [...out.values()] };
}
