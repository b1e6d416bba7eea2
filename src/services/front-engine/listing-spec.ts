import type { ResourceKind } from '../../location/location-cache';
import type { Probe } from './locate-resource';

/** The ordering conventions of the service a merged listing belongs to (docs/contract.md "Merged listings"). */
export type ListingFamily = 'nova' | 'cinder' | 'glance';

/** One mergeable collection: `servers`, `servers/detail`, `volumes`, `volumes/detail`, `snapshots`… `images`. */
export interface ListingSpec {
  family: ListingFamily;
  /** Body key of the collection: `servers`, `volumes`, `snapshots`, `images`. */
  collection: string;
  kind: ResourceKind;
  /** What is asked of each provider, after the versioned base (brief lists are served from detail ones). */
  upstreamSegments: readonly string[];
  /** The client's path at the proxy (after the versioned base), for next links. */
  clientSegments: readonly string[];
  /** Brief projection of a detail item (`servers`, `volumes`: id, name, links). */
  project?: (item: Record<string, unknown>) => Record<string, unknown>;
  /** How to fetch the marker item when its sort values are needed. */
  probe: Probe;
  /** Body key of a show (`server`, `volume`, `snapshot`); none when the show is the item (Glance). */
  showKey?: string;
  /** `all_tenants` is refused unless the caller is an admin (Nova, Cinder). */
  guardsAllTenants: boolean;
  /** An item as shown, given the provider that listed it (zone-display.ts). */
  decorate?: (item: Record<string, unknown>, provider: string) => Record<string, unknown>;
}

export function briefOf(item: Record<string, unknown>): Record<string, unknown> {
  return { id: item['id'], links: item['links'], name: item['name'] };
}
