import type { Probe } from '../front-engine/locate-resource';
import { briefOf, type ListingSpec } from '../front-engine/listing-spec';
import type { SeenId } from '../front-engine/learn-locations';
import { idsIn } from '../front-engine/learn-locations';
import { SERVER_ZONE_KEY, showZoneAt, zoneAt } from '../front-engine/zone-display';

/** `GET /servers/{id}` (and the answers to updates) with the zone read as `PROVIDER:zone`. */
export function showServerZone(doc: unknown, segments: readonly string[], provider: string): unknown {
  return segments[0] === 'servers' && segments.length === 2
    ? showZoneAt(doc, 'server', SERVER_ZONE_KEY, provider)
    : doc;
}

/** Nova's resources as the proxy routes and merges them. */
export const SERVER_PROBE: Probe = {
  kind: 'server',
  label: 'Instance',
  url: (ep, id) => `${ep.base}/servers/${encodeURIComponent(id)}`,
};

/** A server, deleted ones included: its instance actions answer for 90 days after deletion at ≥ 2.21. */
export const INSTANCE_ACTIONS_PROBE: Probe = {
  kind: 'server',
  label: 'Instance',
  url: (ep, id) => `${ep.base}/servers/${encodeURIComponent(id)}/os-instance-actions`,
  headers: { 'openstack-api-version': 'compute 2.21', 'x-openstack-nova-api-version': '2.21' },
};

const servers = {
  family: 'nova',
  collection: 'servers',
  kind: 'server',
  // Brief `servers` carries no created_at to merge by: it is served from `servers/detail`, then reduced.
  upstreamSegments: ['servers', 'detail'],
  probe: SERVER_PROBE,
  showKey: 'server',
  guardsAllTenants: true,
  decorate: (item: Record<string, unknown>, provider: string) => zoneAt(item, SERVER_ZONE_KEY, provider),
} as const;

export const SERVERS_BRIEF: ListingSpec = { ...servers, clientSegments: ['servers'], project: briefOf };
export const SERVERS_DETAIL: ListingSpec = { ...servers, clientSegments: ['servers', 'detail'] };

/** Server ids in Nova answers (show, create, listings), for the location cache. */
export function computeIds(doc: unknown): SeenId[] {
  return idsIn(doc, { server: 'server', servers: 'server' });
}
