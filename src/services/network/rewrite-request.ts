import type { ResourceKind } from '../../location/location-cache';
import { parseAtProvider } from '../../location/parse-at-provider';
import { isObject, stripName, stripRef, type JsonObject, type ResourceRef } from '../front-engine/at-provider-refs';
import type { NeutronCollection } from './collections';

/**
 * Neutron request bodies naming resources with `ID@provider` (docs/contract.md "Naming a provider"): the suffix is
 * stripped before a provider sees the body, and the references reported. Pure: new documents out.
 */

/** A resource the new one belongs to: it is created where that one lives (a port where its network is). */
export interface ParentRef {
  kind: ResourceKind;
  id: string;
  /** From `ID@provider`. */
  provider?: string;
}

export interface BodyRewrite {
  body: unknown;
  refs: ResourceRef[];
  parent?: ParentRef;
}

export interface CreateRewrite extends BodyRewrite {
  /** From `name` = `NAME@provider`. */
  nameProvider?: string;
  /** Providers named in `availability_zone_hints` (removed from the hints). */
  zoneProviders: string[];
}

/** Per collection: the keys naming another resource; the first present one (`parent`) places a create. */
const REFS: Record<string, { parent?: [string, ResourceKind][]; keys?: [string, ResourceKind][] }> = {
  subnets: { parent: [['network_id', 'network']] },
  ports: { parent: [['network_id', 'network']] },
  floatingips: {
    parent: [['floating_network_id', 'network']],
    keys: [
      ['port_id', 'port'],
      ['subnet_id', 'subnet'],
    ],
  },
  'security-group-rules': {
    parent: [['security_group_id', 'security_group']],
    keys: [['remote_group_id', 'security_group']],
  },
  routers: {},
};

function stripList(
  obj: JsonObject,
  key: string,
  kind: ResourceKind,
  known: readonly string[],
  refs: ResourceRef[],
): JsonObject {
  const v = obj[key];
  if (!Array.isArray(v)) return obj;
  return {
    ...obj,
    [key]: v.map((x) => {
      if (typeof x !== 'string') return x;
      const p = parseAtProvider(x, known);
      if (p.provider) refs.push({ kind, id: p.id, provider: p.provider });
      return p.id;
    }),
  };
}

/** `fixed_ips: [{subnet_id}]` of ports and routers' gateways. */
function stripFixedIps(obj: JsonObject, key: string, known: readonly string[], refs: ResourceRef[]): JsonObject {
  const v = obj[key];
  if (!Array.isArray(v)) return obj;
  return { ...obj, [key]: v.map((ip) => (isObject(ip) ? stripRef(ip, 'subnet_id', 'subnet', known, refs) : ip)) };
}

/** One resource's attributes, for a create or an update. */
function rewriteResource(
  c: NeutronCollection,
  item: JsonObject,
  known: readonly string[],
  refs: ResourceRef[],
): { item: JsonObject; parent?: ParentRef } {
  const spec = REFS[c.path] ?? {};
  let out = item;
  let parent: ParentRef | undefined;
  for (const [key, kind] of spec.parent ?? []) {
    const v = out[key];
    if (typeof v !== 'string' || parent) continue;
    const p = parseAtProvider(v, known);
    parent = { kind, id: p.id, provider: p.provider };
    out = stripRef(out, key, kind, known, refs);
  }
  for (const [key, kind] of spec.keys ?? []) out = stripRef(out, key, kind, known, refs);
  if (c.path === 'ports') {
    out = stripFixedIps(out, 'fixed_ips', known, refs);
    out = stripList(out, 'security_groups', 'security_group', known, refs);
  }
  if (c.path === 'routers' && isObject(out['external_gateway_info'])) {
    let gw = out['external_gateway_info'];
    const net = gw['network_id'];
    if (typeof net === 'string') {
      const p = parseAtProvider(net, known);
      parent = { kind: 'network', id: p.id, provider: p.provider };
    }
    gw = stripFixedIps(stripRef(gw, 'network_id', 'network', known, refs), 'external_fixed_ips', known, refs);
    out = { ...out, external_gateway_info: gw };
  }
  return { item: out, parent };
}

/** The resource(s) of a body: `{network: {...}}` or the bulk form `{networks: [...]}`. */
function items(c: NeutronCollection, doc: unknown): { bulk: boolean; list: JsonObject[] } | undefined {
  if (!isObject(doc)) return undefined;
  if (isObject(doc[c.singular])) return { bulk: false, list: [doc[c.singular] as JsonObject] };
  const many = doc[c.collection];
  if (Array.isArray(many) && many.every(isObject)) return { bulk: true, list: many };
  return undefined;
}

function wrap(c: NeutronCollection, bulk: boolean, list: JsonObject[]): unknown {
  return bulk ? { [c.collection]: list } : { [c.singular]: list[0] };
}

/**
 * `POST /v2.0/{collection}`: references stripped, `NAME@provider` stripped from the name, providers named in
 * `availability_zone_hints` taken out of them (the provider then uses its own default zones). A bulk create's
 * items must agree on where they go.
 */
export function rewriteCreate(c: NeutronCollection, doc: unknown, known: readonly string[]): CreateRewrite {
  const refs: ResourceRef[] = [];
  const found = items(c, doc);
  if (!found) return { body: doc, refs, zoneProviders: [] };
  let parent: ParentRef | undefined;
  let nameProvider: string | undefined;
  const zoneProviders = new Set<string>();
  const out = found.list.map((raw) => {
    const r = rewriteResource(c, raw, known, refs);
    parent ??= r.parent;
    const named = stripName(r.item, known);
    nameProvider ??= named.provider;
    let item = named.obj;
    const hints = item['availability_zone_hints'];
    if (Array.isArray(hints)) {
      const providers = hints.filter((h): h is string => typeof h === 'string' && known.includes(h));
      providers.forEach((p) => zoneProviders.add(p));
      if (providers.length) item = { ...item, availability_zone_hints: hints.filter((h) => !providers.includes(h)) };
    }
    return item;
  });
  return { body: wrap(c, found.bulk, out), refs, parent, nameProvider, zoneProviders: [...zoneProviders] };
}

/** `PUT /v2.0/{collection}/{id}`: references stripped (a port's security groups, a router's gateway). */
export function rewriteUpdate(c: NeutronCollection, doc: unknown, known: readonly string[]): BodyRewrite {
  const refs: ResourceRef[] = [];
  const found = items(c, doc);
  if (!found || found.bulk) return { body: doc, refs };
  const r = rewriteResource(c, found.list[0] as JsonObject, known, refs);
  return { body: wrap(c, false, [r.item]), refs };
}

/** `PUT /v2.0/routers/{id}/add_router_interface` (and remove): `subnet_id` or `port_id`. */
export function rewriteRouterInterface(doc: unknown, known: readonly string[]): BodyRewrite {
  const refs: ResourceRef[] = [];
  if (!isObject(doc)) return { body: doc, refs };
  const body = stripRef(stripRef(doc, 'subnet_id', 'subnet', known, refs), 'port_id', 'port', known, refs);
  return { body, refs };
}
