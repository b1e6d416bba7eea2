import { translateProjectIds, type ProjectPair } from '../front-engine/project-ids';
import { isObject, stripName, type ResourceRef } from '../front-engine/at-provider-refs';

/**
 * Glance request bodies: `NAME@provider` placement of a new image, and the owner in JSON-patch updates. Pure.
 */
export interface ImageCreateRewrite {
  body: unknown;
  refs: ResourceRef[];
  nameProvider?: string;
}

/** `POST /v2/images`: the body is the image itself (no wrapper). */
export function rewriteImageCreate(doc: unknown, known: readonly string[]): ImageCreateRewrite {
  if (!isObject(doc)) return { body: doc, refs: [] };
  const named = stripName(doc, known);
  return { body: named.obj, refs: [], nameProvider: named.provider };
}

/**
 * `PATCH /v2/images/{id}` (application/openstack-images-v2.1-json-patch): a list of operations; an operation
 * setting `/owner` to the home project sets the provider project instead.
 */
export function rewriteImagePatch(doc: unknown, pair: ProjectPair | undefined): unknown {
  if (!Array.isArray(doc) || !pair) return doc;
  return doc.map((op: unknown) => {
    if (!isObject(op) || op['path'] !== '/owner' || op['value'] !== pair.from) return op;
    return { ...op, value: pair.to };
  });
}

/** Bodies of every other JSON call (members, tasks): project ids as anywhere else. */
export function rewriteImageBody(doc: unknown, pair: ProjectPair | undefined): unknown {
  return translateProjectIds(doc, pair);
}
