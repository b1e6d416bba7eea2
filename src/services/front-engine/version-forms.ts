import { compareMicroversions } from './merge-versions';

/**
 * Version documents of Nova, Cinder and Glance as the proxy answers them (docs/compute-volume-image.md "Version
 * discovery"). A provider's document is untrusted input: only the fields clients read are kept, each checked, and
 * every self link is rebuilt at the proxy, so no provider URL or extra field reaches a client. Pure.
 */
export type VersionedService = 'compute' | 'volume' | 'image';

export interface VersionLink {
  rel: string;
  href: string;
  type?: string;
}

export interface VersionEntry {
  id: string;
  status: string;
  /** Max and min microversion (Nova, Cinder; '' for Nova's legacy v2.0); absent for Glance. */
  version?: string;
  min_version?: string;
  updated?: string;
  links: VersionLink[];
  'media-types'?: { base: string; type: string }[];
}

/** Which document a path asks for: the service root, or the versioned base (`/v2.1`, `/v3`, `/versions`). */
export type VersionForm = 'root' | 'versioned';

export interface VersionAnswer {
  status: number;
  doc: unknown;
  headers: Record<string, string>;
}

const ID = /^v\d{1,3}(\.\d{1,4})?$/;
const MICRO = /^(\d{1,3}\.\d{1,4})?$/;
const STATUSES = new Set(['CURRENT', 'SUPPORTED', 'DEPRECATED', 'EXPERIMENTAL']);
const UPDATED = /^[0-9T:.Z+-]{1,40}$/;
const MEDIA_TYPE = /^application\/[A-Za-z0-9.+-]{1,80}(;version=[0-9.]{1,10})?$/;
const DOCS_HREF = /^https?:\/\/docs\.openstack\.org\/$/;

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Where a version's self link points at the proxy: `/compute/v2.1/`, `/compute/v2/`, `/volume/v3/`, `/image/v2/`. */
export function selfHref(service: VersionedService, id: string, publicUrl: string): string {
  const dir = service === 'compute' && id === 'v2.1' ? 'v2.1' : id.split('.')[0];
  return `${publicUrl}/${service}/${dir}/`;
}

function cleanEntry(service: VersionedService, raw: unknown, publicUrl: string): VersionEntry | undefined {
  if (!isObj(raw)) return undefined;
  const { id, status } = raw;
  if (typeof id !== 'string' || !ID.test(id) || typeof status !== 'string' || !STATUSES.has(status)) return undefined;
  const entry: VersionEntry = { id, status, links: [] };
  if (service !== 'image') {
    const { version, min_version: min } = raw;
    if (typeof version !== 'string' || !MICRO.test(version) || typeof min !== 'string' || !MICRO.test(min))
      return undefined;
    entry.version = version;
    entry.min_version = min;
  }
  if (typeof raw['updated'] === 'string' && UPDATED.test(raw['updated'])) entry.updated = raw['updated'];
  const links = Array.isArray(raw['links']) ? raw['links'] : [];
  for (const l of links) {
    if (!isObj(l)) continue;
    if (l['rel'] === 'self') entry.links.push({ rel: 'self', href: selfHref(service, id, publicUrl) });
    else if (l['rel'] === 'describedby' && typeof l['href'] === 'string' && DOCS_HREF.test(l['href']))
      entry.links.push({ rel: 'describedby', type: 'text/html', href: l['href'] });
  }
  if (!entry.links.some((l) => l.rel === 'self'))
    entry.links.push({ rel: 'self', href: selfHref(service, id, publicUrl) });
  const media = raw['media-types'];
  if (Array.isArray(media)) {
    const kept = media.filter(
      (m): m is { base: string; type: string } =>
        isObj(m) &&
        typeof m['base'] === 'string' &&
        MEDIA_TYPE.test(m['base']) &&
        typeof m['type'] === 'string' &&
        MEDIA_TYPE.test(m['type']),
    );
    if (kept.length) entry['media-types'] = kept.map((m) => ({ base: m.base, type: m.type }));
  }
  return entry;
}

/** The checked entries of a provider's root document (`{"versions": [...]}`), or undefined if it has none. */
export function cleanVersions(service: VersionedService, doc: unknown, publicUrl: string): VersionEntry[] | undefined {
  if (!isObj(doc)) return undefined;
  const raw = Array.isArray(doc['versions']) ? doc['versions'] : isObj(doc['version']) ? [doc['version']] : [];
  const out = raw.slice(0, 100).flatMap((r) => cleanEntry(service, r, publicUrl) ?? []);
  return out.length ? out : undefined;
}

function glanceOrder(a: string, b: string): number {
  return compareMicroversions(a.slice(1), b.slice(1));
}

/**
 * The narrowest document every provider supports: the base provider's entries that every other provider also
 * lists, with Nova's and Cinder's microversion range narrowed (max lowered, min raised). When Glance's CURRENT
 * version is not offered everywhere, the highest version left is CURRENT. Nothing in common: undefined.
 */
export function narrowVersions(
  service: VersionedService,
  base: readonly VersionEntry[],
  others: readonly (readonly VersionEntry[])[],
): VersionEntry[] | undefined {
  const common = base.filter((e) => others.every((o) => o.some((x) => x.id === e.id)));
  if (!common.length) return undefined;
  const out = common.map((e) => {
    if (e.version === undefined || e.min_version === undefined || e.version === '') return { ...e };
    let max = e.version;
    let min = e.min_version;
    for (const o of others) {
      const x = o.find((y) => y.id === e.id);
      if (x?.version && compareMicroversions(x.version, max) < 0) max = x.version;
      if (x?.min_version && compareMicroversions(x.min_version, min) > 0) min = x.min_version;
    }
    return { ...e, version: max, min_version: min };
  });
  if (service === 'image' && !out.some((e) => e.status === 'CURRENT')) {
    const top = [...out].sort((a, b) => glanceOrder(b.id, a.id))[0] as VersionEntry;
    top.status = 'CURRENT';
  }
  return out;
}

/**
 * Served while no provider's document has been read (none reachable since start): what every release since Train
 * (2019) supports, so the microversions clients commonly ask for (Nova 2.37 `--nic none`, Cinder 3.44) negotiate.
 */
export const DEFAULT_RANGES = {
  compute: { min: '2.1', max: '2.79' },
  volume: { min: '3.0', max: '3.59' },
  image: { max: 'v2.9' },
} as const;

export function defaultVersions(service: VersionedService, publicUrl: string): VersionEntry[] {
  const self = (id: string): VersionLink[] => [{ rel: 'self', href: selfHref(service, id, publicUrl) }];
  if (service === 'compute') {
    return [
      {
        id: 'v2.0',
        status: 'SUPPORTED',
        version: '',
        min_version: '',
        updated: '2011-01-21T11:33:21Z',
        links: self('v2.0'),
      },
      {
        id: 'v2.1',
        status: 'CURRENT',
        version: DEFAULT_RANGES.compute.max,
        min_version: DEFAULT_RANGES.compute.min,
        updated: '2013-07-23T11:33:21Z',
        links: self('v2.1'),
      },
    ];
  }
  if (service === 'volume') {
    return [
      {
        id: 'v3.0',
        status: 'CURRENT',
        version: DEFAULT_RANGES.volume.max,
        min_version: DEFAULT_RANGES.volume.min,
        updated: '2019-09-26T00:00:00Z',
        links: [{ rel: 'describedby', type: 'text/html', href: 'https://docs.openstack.org/' }, ...self('v3.0')],
        'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.volume+json;version=3' }],
      },
    ];
  }
  const ids = Array.from({ length: 10 }, (_, i) => `v2.${9 - i}`);
  return ids.map((id, i) => ({ id, status: i === 0 ? 'CURRENT' : 'SUPPORTED', links: self(id) }));
}

/** The [min, max] microversion of the CURRENT entry (Nova, Cinder). */
export function currentRange(entries: readonly VersionEntry[]): { min: string; max: string } | undefined {
  const e = entries.find((x) => x.status === 'CURRENT');
  return e?.version && e.min_version ? { min: e.min_version, max: e.version } : undefined;
}

/**
 * The answer for a path form, with the headers the service sends: Nova's root lists every version (200), its
 * `/v2.1` shows one (200) and echoes the microversion in use; Cinder's root and `/v3` list (300, 200) and say
 * `volume 3.0`; Glance's root and `/versions` list (300, 200). `microversion`: the one the request negotiated.
 */
export function renderVersions(
  service: VersionedService,
  form: VersionForm,
  entries: readonly VersionEntry[],
  microversion?: string,
): VersionAnswer {
  const list = { versions: entries };
  if (service === 'compute') {
    if (form === 'root') return { status: 200, doc: list, headers: {} };
    const v21 = entries.find((e) => e.id === 'v2.1') ?? entries.find((e) => e.status === 'CURRENT') ?? entries[0];
    const used = microversion ?? v21?.min_version ?? '2.1';
    const version = v21 && {
      ...v21,
      links: [
        ...v21.links.filter((l) => l.rel === 'self'),
        { rel: 'describedby', type: 'text/html', href: 'http://docs.openstack.org/' },
      ],
      'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' }],
    };
    return { status: 200, doc: { version }, headers: microversionHeaders('compute', used) };
  }
  if (service === 'volume') {
    return { status: form === 'root' ? 300 : 200, doc: list, headers: microversionHeaders('volume', '3.0') };
  }
  return { status: form === 'root' ? 300 : 200, doc: list, headers: {} };
}

/** The response headers Nova and Cinder send for a microversion. */
export function microversionHeaders(service: 'compute' | 'volume', version: string): Record<string, string> {
  if (service === 'compute') {
    return {
      'openstack-api-version': `compute ${version}`,
      'x-openstack-nova-api-version': version,
      vary: 'OpenStack-API-Version, X-OpenStack-Nova-API-Version',
    };
  }
  return { 'openstack-api-version': `volume ${version}`, vary: 'OpenStack-API-Version' };
}
