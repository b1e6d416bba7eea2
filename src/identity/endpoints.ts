import type { ProviderConfig, ServiceType } from '../config/types';
import { ProviderUnavailable } from '../errors/errors';
import type { ProviderSession } from './provider-sessions';
import { catalogUrl } from './token-info';

/** Catalog types that can stand for each service (Cinder has had three names). */
const CATALOG_TYPES: Record<ServiceType, readonly string[]> = {
  identity: ['identity'],
  compute: ['compute'],
  volume: ['block-storage', 'volumev3', 'volume'],
  image: ['image'],
  'object-store': ['object-store'],
  network: ['network'],
};

/**
 * The provider's base URL for a service, for this session: the config override first (with {project_id}), else
 * the provider's own catalog from its token. Upstream URLs thus only ever come from config or provider catalogs.
 */
export function serviceBaseUrl(provider: ProviderConfig, session: ProviderSession, service: ServiceType): string {
  const override = provider.endpoints[service];
  if (override) return override.replace(/\{project_id\}/g, session.projectId ?? '').replace(/\/+$/, '');
  if (service === 'identity' && provider.keystoneUrl) return provider.keystoneUrl;
  if (service === 'object-store' && session.storageUrl) return session.storageUrl;
  const url = catalogUrl(session.catalog, CATALOG_TYPES[service], session.region);
  if (!url) throw new ProviderUnavailable(provider.name, `offers no ${service} service`);
  return url;
}
