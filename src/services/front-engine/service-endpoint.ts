import type { UrlMapping } from '../../catalog/links';
import type { FrontService } from './front-deps';

/**
 * Where one provider's Nova, Cinder or Glance answers for one session, and how its URLs map onto the proxy's
 * (docs/contract.md: no body, header or link leaks a provider URL). Pure: derived from the provider's catalog URL (or
 * the config override), the proxy's public URL and the two project ids.
 */
export interface ServiceEndpoint {
  provider: string;
  /** Versioned base API paths are appended to: Nova `…/v2.1`, Cinder `…/v3/{provider project}`, Glance root. */
  base: string;
  /** Service root, where the version documents are: `…/compute`, `…/volume`, `…/image`. */
  root: string;
  /** Provider URL → proxy URL, most specific first. */
  mappings: UrlMapping[];
  providerProjectId?: string;
  homeProjectId?: string;
}

export interface EndpointInput {
  service: FrontService;
  provider: string;
  /** The provider's URL for the service (catalog or `endpoints` override, `{project_id}` already substituted). */
  url: string;
  publicUrl: string;
  providerProjectId?: string;
  homeProjectId?: string;
}

/** The version suffix of each service's catalog URL, with an optional project id after it. */
const VERSION_SUFFIX: Record<FrontService, RegExp> = {
  compute: /\/v2(?:\.1)?(?:\/[^/]+)?$/,
  volume: /\/v[23](?:\/[^/]+)?$/,
  image: /\/v2$/,
  network: /\/v2\.0$/,
};

export function proxyRoot(publicUrl: string, service: FrontService): string {
  return `${publicUrl}/${service}`;
}

/** The proxy's versioned base for a service, as the catalog templates publish it. */
export function proxyBase(publicUrl: string, service: FrontService, homeProjectId?: string): string {
  const root = proxyRoot(publicUrl, service);
  if (service === 'compute') return `${root}/v2.1`;
  if (service === 'volume') return `${root}/v3/${homeProjectId ?? ''}`;
  if (service === 'network') return `${root}/v2.0`;
  return root;
}

export function serviceEndpoint(input: EndpointInput): ServiceEndpoint {
  const url = input.url.replace(/\/+$/, '');
  const root = url.replace(VERSION_SUFFIX[input.service], '');
  const pRoot = proxyRoot(input.publicUrl, input.service);
  const prov = input.providerProjectId;
  const home = input.homeProjectId;
  const mappings: UrlMapping[] = [];
  let base = root;
  if (input.service === 'compute') {
    base = `${root}/v2.1`;
    // A legacy catalog URL with the project id (…/v2.1/{project_id}) maps onto the proxy's id-less base.
    if (url !== base && url !== root) mappings.push({ from: url, to: `${pRoot}/v2.1` });
  } else if (input.service === 'volume') {
    base = `${root}/v3/${prov ?? ''}`;
    if (prov && home) {
      mappings.push({ from: `${root}/v3/${prov}`, to: `${pRoot}/v3/${home}` });
      mappings.push({ from: `${root}/v2/${prov}`, to: `${pRoot}/v2/${home}` });
      // Cinder's bookmark links carry the project id without a version: …/volume/{project_id}/volumes/{id}.
      mappings.push({ from: `${root}/${prov}`, to: `${pRoot}/${home}` });
    }
  } else if (input.service === 'network') {
    // Neutron's catalog URL is its root (devstack: …/networking); the API is below /v2.0.
    base = `${root}/v2.0`;
  }
  mappings.push({ from: root, to: pRoot });
  return { provider: input.provider, base, root, mappings, providerProjectId: prov, homeProjectId: home };
}
