import { idsIn, type SeenId } from '../front-engine/learn-locations';
import { briefOf, type ListingSpec } from '../front-engine/listing-spec';
import type { Probe } from '../front-engine/locate-resource';
import { showZoneAt, VOLUME_ZONE_KEY, zoneAt } from '../front-engine/zone-display';

/** `GET /volumes/{id}` (and the answers to updates) with the zone read as `PROVIDER:zone`. */
export function showVolumeZone(doc: unknown, segments: readonly string[], provider: string): unknown {
  return segments[0] === 'volumes' && segments.length === 2
    ? showZoneAt(doc, 'volume', VOLUME_ZONE_KEY, provider)
    : doc;
}

/** Cinder's resources as the proxy routes and merges them. */
export const VOLUME_PROBE: Probe = {
  kind: 'volume',
  label: 'Volume',
  url: (ep, id) => `${ep.base}/volumes/${encodeURIComponent(id)}`,
};

export const SNAPSHOT_PROBE: Probe = {
  kind: 'snapshot',
  label: 'Snapshot',
  url: (ep, id) => `${ep.base}/snapshots/${encodeURIComponent(id)}`,
};

/** The attachments API needs microversion 3.27. */
export const ATTACHMENT_PROBE: Probe = {
  kind: 'attachment',
  label: 'Attachment',
  url: (ep, id) => `${ep.base}/attachments/${encodeURIComponent(id)}`,
  headers: { 'openstack-api-version': 'volume 3.27' },
};

const volumes = {
  family: 'cinder',
  collection: 'volumes',
  kind: 'volume',
  // Brief `volumes` (id, name, links) has no created_at to merge by: served from `volumes/detail`, then reduced.
  upstreamSegments: ['volumes', 'detail'],
  probe: VOLUME_PROBE,
  showKey: 'volume',
  guardsAllTenants: true,
  decorate: (item: Record<string, unknown>, provider: string) => zoneAt(item, VOLUME_ZONE_KEY, provider),
} as const;

export const VOLUMES_BRIEF: ListingSpec = { ...volumes, clientSegments: ['volumes'], project: briefOf };
export const VOLUMES_DETAIL: ListingSpec = { ...volumes, clientSegments: ['volumes', 'detail'] };

const snapshots = {
  family: 'cinder',
  collection: 'snapshots',
  kind: 'snapshot',
  probe: SNAPSHOT_PROBE,
  showKey: 'snapshot',
  guardsAllTenants: true,
} as const;

// Brief snapshots carry created_at: asked as they are.
export const SNAPSHOTS_BRIEF: ListingSpec = {
  ...snapshots,
  upstreamSegments: ['snapshots'],
  clientSegments: ['snapshots'],
};
export const SNAPSHOTS_DETAIL: ListingSpec = {
  ...snapshots,
  upstreamSegments: ['snapshots', 'detail'],
  clientSegments: ['snapshots', 'detail'],
};

/** Volume, snapshot and attachment ids in Cinder answers, for the location cache. */
export function volumeIds(doc: unknown): SeenId[] {
  return idsIn(doc, {
    volume: 'volume',
    volumes: 'volume',
    snapshot: 'snapshot',
    snapshots: 'snapshot',
    attachment: 'attachment',
    attachments: 'attachment',
  });
}
