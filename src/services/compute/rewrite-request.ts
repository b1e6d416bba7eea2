import type { ResourceKind } from '../../location/location-cache';
import {
  isObject,
  stripName,
  stripRef,
  takeZone,
  withoutKey,
  type JsonObject,
  type ResourceRef,
} from '../front-engine/at-provider-refs';
import { rewriteServerNetworks } from '../network/server-networks';

/**
 * Nova request bodies naming resources with `@provider`: Nova's schemas reject "@" in `volumeId`,
 * `imageRef` and BDM `uuid`). Pure: new documents out, the references found reported for the location cache.
 */
export interface BodyRewrite {
  body: unknown;
  refs: ResourceRef[];
}

export interface ServerCreateRewrite extends BodyRewrite {
  /** Provider from `server.name` = `NAME@provider`. */
  nameProvider?: string;
  availabilityZone?: string;
  /** The provider a `networks` entry names with `ID@provider` (services/network/server-networks.ts). */
  networkProvider?: string;
}

/** BDM v2 `source_type` → the kind of resource its `uuid` names. */
const BDM_SOURCE_KINDS: Record<string, ResourceKind> = { volume: 'volume', snapshot: 'snapshot', image: 'image' };

function rewriteBdmV2(bdm: unknown, known: readonly string[], refs: ResourceRef[]): unknown {
  if (!isObject(bdm)) return bdm;
  const source = typeof bdm['source_type'] === 'string' ? bdm['source_type'] : '';
  return stripRef(bdm, 'uuid', BDM_SOURCE_KINDS[source], known, refs);
}

/** Legacy BDM v1 names volumes and snapshots in their own keys. */
function rewriteBdmV1(bdm: unknown, known: readonly string[], refs: ResourceRef[]): unknown {
  if (!isObject(bdm)) return bdm;
  return stripRef(stripRef(bdm, 'volume_id', 'volume', known, refs), 'snapshot_id', 'snapshot', known, refs);
}

function mapArray(value: unknown, fn: (item: unknown) => unknown): unknown {
  return Array.isArray(value) ? value.map(fn) : value;
}

/** `POST /servers`: imageRef, block_device_mapping(_v2), and the placement hints (name, availability zone). */
export function rewriteServerCreate(doc: unknown, known: readonly string[]): ServerCreateRewrite {
  const refs: ResourceRef[] = [];
  if (!isObject(doc) || !isObject(doc['server'])) return { body: doc, refs };
  const named = stripName(doc['server'], known);
  const nets = rewriteServerNetworks(stripRef(named.obj, 'imageRef', 'image', known, refs), known);
  let server: JsonObject = nets.server;
  refs.push(...nets.refs);
  if ('block_device_mapping_v2' in server) {
    server = {
      ...server,
      block_device_mapping_v2: mapArray(server['block_device_mapping_v2'], (b) => rewriteBdmV2(b, known, refs)),
    };
  }
  if ('block_device_mapping' in server) {
    server = {
      ...server,
      block_device_mapping: mapArray(server['block_device_mapping'], (b) => rewriteBdmV1(b, known, refs)),
    };
  }
  return {
    body: { ...doc, server },
    refs,
    nameProvider: named.provider,
    availabilityZone: takeZone(server),
    networkProvider: nets.provider,
  };
}

/**
 * The availability zone named a provider: replaced by the zone part of `PROVIDER:zone`, else dropped so that
 * provider uses its default zone (docs/contract.md).
 */
export function dropServerZone(doc: unknown, zone?: string): unknown {
  if (!isObject(doc) || !isObject(doc['server'])) return doc;
  const server = withoutKey(doc['server'], 'availability_zone');
  return { ...doc, server: zone === undefined ? server : { ...server, availability_zone: zone } };
}

/** `POST|PUT /servers/{id}/os-volume_attachments[/{id}]`: `volumeId` (attach, swap). */
export function rewriteVolumeAttachment(doc: unknown, known: readonly string[]): BodyRewrite {
  const refs: ResourceRef[] = [];
  if (!isObject(doc) || !isObject(doc['volumeAttachment'])) return { body: doc, refs };
  return {
    body: { ...doc, volumeAttachment: stripRef(doc['volumeAttachment'], 'volumeId', 'volume', known, refs) },
    refs,
  };
}

/** `POST /servers/{id}/action`: `rebuild.imageRef`. */
export function rewriteServerAction(doc: unknown, known: readonly string[]): BodyRewrite {
  const refs: ResourceRef[] = [];
  if (!isObject(doc) || !isObject(doc['rebuild'])) return { body: doc, refs };
  return { body: { ...doc, rebuild: stripRef(doc['rebuild'], 'imageRef', 'image', known, refs) }, refs };
}
