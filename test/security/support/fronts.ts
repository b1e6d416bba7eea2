/**
 * The service fronts the hostile-input suite attacks, one line each. Adding a front to the proxy is
 * adding a line here: every generated batch (malformed JSON, content types, oversized bodies, traversal, query
 * parameters...) then covers it. A front the proxy does not mount yet still belongs here: its cases must get a
 * 4xx (the proxy's 404 for an unknown path) and the server must keep serving.
 */
import type { Flavour } from './service-format';

export interface SessionIds {
  /** The caller's home project id (Cinder path, Swift account). */
  project: string;
}

export interface FrontSpec {
  name: string;
  /** Error format expected from this front (the proxy's own 404 for unmounted fronts). */
  flavour: Flavour;
  mounted: boolean;
  /** A collection listing (merged where the proxy merges). */
  list(ids: SessionIds): string;
  /** One resource by id or name. */
  item(ids: SessionIds, id: string): string;
  /** A JSON create (POST) and its body given a resource name; undefined when the front has none. */
  create?: { method?: 'POST' | 'PUT'; path(ids: SessionIds): string; body(name: string): unknown };
  /** Size above which that create body is a 413 (the proxy's json_body limit; Swift's SLO max_manifest_size). */
  bodyLimit: number;
  /** Query-parameter dialect of its listings. */
  paging: 'nova' | 'glance' | 'swift' | 'keystone' | 'neutron' | 'none';
}

const JSON_BODY_LIMIT = 1024 * 1024;
const novaServer = (name: string): unknown => ({ server: { name, imageRef: 'cirros', flavorRef: '1' } });

export const FRONTS: FrontSpec[] = [
  {
    name: 'identity',
    flavour: 'identity',
    mounted: true,
    list: () => '/identity/v3/auth/projects',
    item: (_i, id) => `/identity/v3/projects/${id}`,
    create: {
      path: () => '/identity/v3/auth/tokens',
      body: (name) => ({
        auth: {
          identity: { methods: ['password'], password: { user: { name, domain: { name: 'Default' }, password: 'x' } } },
        },
      }),
    },
    bodyLimit: JSON_BODY_LIMIT,
    paging: 'keystone',
  },
  {
    name: 'compute',
    flavour: 'compute',
    mounted: true,
    list: () => '/compute/v2.1/servers',
    item: (_i, id) => `/compute/v2.1/servers/${id}`,
    create: { path: () => '/compute/v2.1/servers', body: novaServer },
    bodyLimit: JSON_BODY_LIMIT,
    paging: 'nova',
  },
  {
    name: 'volume',
    flavour: 'volume',
    mounted: true,
    list: (i) => `/volume/v3/${i.project}/volumes`,
    item: (i, id) => `/volume/v3/${i.project}/volumes/${id}`,
    create: { path: (i) => `/volume/v3/${i.project}/volumes`, body: (name) => ({ volume: { name, size: 1 } }) },
    bodyLimit: JSON_BODY_LIMIT,
    paging: 'nova',
  },
  {
    name: 'image',
    flavour: 'image',
    mounted: true,
    list: () => '/image/v2/images',
    item: (_i, id) => `/image/v2/images/${id}`,
    create: {
      path: () => '/image/v2/images',
      body: (name) => ({ name, disk_format: 'raw', container_format: 'bare' }),
    },
    bodyLimit: JSON_BODY_LIMIT,
    paging: 'glance',
  },
  {
    name: 'object-store',
    flavour: 'object-store',
    mounted: true,
    list: (i) => `/object-store/v1/AUTH_${i.project}`,
    item: (i, id) => `/object-store/v1/AUTH_${i.project}/${id}`,
    // A static large object manifest is the Swift request whose body is JSON the proxy reads.
    create: {
      method: 'PUT',
      path: (i) => `/object-store/v1/AUTH_${i.project}/photos/manifest?multipart-manifest=put`,
      body: (name) => [{ path: `/photos/${name}`, etag: null, size_bytes: null }],
    },
    // The proxy reads a manifest up to 16 MiB (manifest.ts) and leaves Swift's own max_manifest_size (8 MiB) to
    // the provider: above 16 MiB the proxy itself must refuse.
    bodyLimit: 16 * 1024 * 1024,
    paging: 'swift',
  },
  {
    name: 'network',
    flavour: 'network',
    mounted: true,
    list: () => '/network/v2.0/networks',
    item: (_i, id) => `/network/v2.0/networks/${id}`,
    create: { path: () => '/network/v2.0/networks', body: (name) => ({ network: { name } }) },
    bodyLimit: JSON_BODY_LIMIT,
    paging: 'neutron',
  },
];

export const MOUNTED = FRONTS.filter((f) => f.mounted);
export const WITH_CREATE = FRONTS.filter((f) => f.create !== undefined);
