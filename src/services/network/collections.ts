import type { ResourceKind } from '../../location/location-cache';
import { idsIn, type SeenId } from '../front-engine/learn-locations';
import type { ListingSpec } from '../front-engine/listing-spec';
import type { Probe } from '../front-engine/locate-resource';

/**
 * The Neutron collections the proxy merges and routes (docs/networking.md): path segment below /v2.0, body keys,
 * the kind their locations are remembered as, and Neutron's own not-found message. Pure data.
 */
export interface NeutronCollection {
  /** Path segment: `networks`, `security-groups`… */
  path: string;
  /** Body key of a listing: `networks`, `security_groups`… */
  collection: string;
  /** Body key of one resource: `network`, `security_group`… */
  singular: string;
  kind: ResourceKind;
  notFound: (id: string) => string;
}

const found = (label: string) => (id: string) => `${label} ${id} could not be found.`;

export const COLLECTIONS: readonly NeutronCollection[] = [
  { path: 'networks', collection: 'networks', singular: 'network', kind: 'network', notFound: found('Network') },
  { path: 'subnets', collection: 'subnets', singular: 'subnet', kind: 'subnet', notFound: found('Subnet') },
  { path: 'ports', collection: 'ports', singular: 'port', kind: 'port', notFound: found('Port') },
  {
    path: 'security-groups',
    collection: 'security_groups',
    singular: 'security_group',
    kind: 'security_group',
    notFound: (id) => `Security group ${id} does not exist`,
  },
  {
    path: 'security-group-rules',
    collection: 'security_group_rules',
    singular: 'security_group_rule',
    kind: 'security_group_rule',
    notFound: (id) => `Security group rule ${id} does not exist`,
  },
  { path: 'routers', collection: 'routers', singular: 'router', kind: 'router', notFound: found('Router') },
  {
    path: 'floatingips',
    collection: 'floatingips',
    singular: 'floatingip',
    kind: 'floatingip',
    notFound: found('Floating IP'),
  },
];

const BY_PATH = new Map(COLLECTIONS.map((c) => [c.path, c]));
const BY_KIND = new Map(COLLECTIONS.map((c) => [c.kind, c]));

export function collectionAt(path: string | undefined): NeutronCollection | undefined {
  return path === undefined ? undefined : BY_PATH.get(path);
}

export function collectionOf(kind: ResourceKind): NeutronCollection {
  const c = BY_KIND.get(kind);
  if (!c) throw new Error(`no Neutron collection for ${kind}`);
  return c;
}

/** `security_group` → `Security group`, as Neutron's messages name resources. */
function labelOf(c: NeutronCollection): string {
  const words = c.singular.replace(/_/g, ' ');
  return c.kind === 'floatingip' ? 'Floating IP' : words.charAt(0).toUpperCase() + words.slice(1);
}

/** "Is it here?": a show of the resource at a provider. */
export function probeOf(c: NeutronCollection): Probe {
  return {
    kind: c.kind,
    label: labelOf(c),
    url: (ep, id) => `${ep.base}/${c.path}/${encodeURIComponent(id)}`,
    notFound: c.notFound,
  };
}

export function listingOf(c: NeutronCollection): ListingSpec {
  return {
    // Read only by the Nova/Cinder/Glance merged listing; Neutron's order and paging are neutron-query.ts's.
    family: 'nova',
    collection: c.collection,
    kind: c.kind,
    upstreamSegments: [c.path],
    clientSegments: [c.path],
    probe: probeOf(c),
    showKey: c.singular,
    guardsAllTenants: false,
  };
}

const WRAPPERS: Record<string, ResourceKind> = Object.fromEntries(
  COLLECTIONS.flatMap((c) => [
    [c.collection, c.kind],
    [c.singular, c.kind],
  ]),
);

/** Resource ids a Neutron answer shows, so their location is remembered. */
export function networkIds(doc: unknown): SeenId[] {
  return idsIn(doc, WRAPPERS);
}
