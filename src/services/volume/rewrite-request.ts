import {
  isObject,
  stripName,
  stripRef,
  takeZone,
  withoutKey,
  type JsonObject,
  type ResourceRef,
} from '../front-engine/at-provider-refs';

/**
 * Cinder request bodies naming resources with `@provider`, and the placement hints of creates (docs/contract.md "Naming a
 * provider"). Pure: new documents out, the references found reported for the location cache and placement.
 */
export interface CreateRewrite {
  body: unknown;
  refs: ResourceRef[];
  nameProvider?: string;
  availabilityZone?: string;
}

function rewriteCreate(
  doc: unknown,
  wrapper: string,
  known: readonly string[],
  strip: (obj: JsonObject, refs: ResourceRef[]) => JsonObject,
): CreateRewrite {
  const refs: ResourceRef[] = [];
  if (!isObject(doc) || !isObject(doc[wrapper])) return { body: doc, refs };
  const named = stripName(doc[wrapper], known);
  const inner = strip(named.obj, refs);
  return { body: { ...doc, [wrapper]: inner }, refs, nameProvider: named.provider, availabilityZone: takeZone(inner) };
}

/** `POST /volumes`: name, availability_zone, and the sources a volume can be made from. */
export function rewriteVolumeCreate(doc: unknown, known: readonly string[]): CreateRewrite {
  return rewriteCreate(doc, 'volume', known, (v, refs) => {
    let out = stripRef(v, 'snapshot_id', 'snapshot', known, refs);
    out = stripRef(out, 'source_volid', 'volume', known, refs);
    out = stripRef(out, 'imageRef', 'image', known, refs);
    return out;
  });
}

/** `POST /snapshots`: the snapshot is made where its volume lives. */
export function rewriteSnapshotCreate(doc: unknown, known: readonly string[]): CreateRewrite {
  return rewriteCreate(doc, 'snapshot', known, (s, refs) => stripRef(s, 'volume_id', 'volume', known, refs));
}

/** `POST /attachments` (microversion ≥ 3.27, what Nova uses to attach): the attachment is made at the volume's. */
export function rewriteAttachmentCreate(doc: unknown, known: readonly string[]): CreateRewrite {
  return rewriteCreate(doc, 'attachment', known, (a, refs) => {
    const out = stripRef(a, 'volume_uuid', 'volume', known, refs);
    return stripRef(out, 'instance_uuid', 'server', known, refs);
  });
}

/** The availability zone named a provider: replaced by the zone of `PROVIDER:zone`, else dropped (default zone). */
export function dropZone(doc: unknown, wrapper: string, zone?: string): unknown {
  if (!isObject(doc) || !isObject(doc[wrapper])) return doc;
  const inner = withoutKey(doc[wrapper], 'availability_zone');
  return { ...doc, [wrapper]: zone === undefined ? inner : { ...inner, availability_zone: zone } };
}
