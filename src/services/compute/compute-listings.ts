import type { Probe } from '../routed/locate-resource';
import { briefOf, type ListingSpec } from '../routed/listing-spec';
import type { SeenId } from '../routed/learn-locations';
import { idsIn } from '../routed/learn-locations';

/** Nova's resources as the proxy routes and merges them. */
export const SERVER_PROBE: Probe = {
  kind: 'server',
  label: 'Instance',
  url: (ep, id) => `${ep.base}/servers/${encodeURIComponent(id)}`,
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
} as const;

export const SERVERS_BRIEF: ListingSpec = { ...servers, clientSegments: ['servers'], project: briefOf };
export const SERVERS_DETAIL: ListingSpec = { ...servers, clientSegments: ['servers', 'detail'] };

/** Server ids in Nova answers (show, create, listings), for the location cache. */
export function computeIds(doc: unknown): SeenId[] {
  return idsIn(doc, { server: 'server', servers: 'server' });
}
