import { idsIn, type SeenId } from '../front-engine/learn-locations';
import type { ListingSpec } from '../front-engine/listing-spec';
import type { Probe } from '../front-engine/locate-resource';

/** Glance's images as the proxy routes and merges them. */
export const IMAGE_PROBE: Probe = {
  kind: 'image',
  label: 'Image',
  url: (ep, id) => `${ep.base}/v2/images/${encodeURIComponent(id)}`,
  notFound: (id) => `No image found with ID ${id}`,
};

export const IMAGES: ListingSpec = {
  family: 'glance',
  collection: 'images',
  kind: 'image',
  upstreamSegments: ['v2', 'images'],
  clientSegments: ['v2', 'images'],
  probe: IMAGE_PROBE,
  guardsAllTenants: false,
};

/** Image ids in Glance answers: a listing, or an image itself (create, show, update). */
export function imageIds(doc: unknown, segments: readonly string[]): SeenId[] {
  const isImage = segments[0] === 'v2' && segments[1] === 'images' && segments.length <= 3;
  return idsIn(doc, { images: 'image' }, isImage ? 'image' : undefined);
}
