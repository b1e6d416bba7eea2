// Keystone v3 wire shapes (api-ref "Authentication and token management", "Version discovery", "Projects").
// Pure functions from KeystoneStore records to JSON bodies.
import { createHash } from 'node:crypto';
import type { KeystoneStore, Named, Project, TokenRecord, User } from './keystone-store';

/** One catalog service; `url` may contain `$(project_id)s` (substituted per token, as Keystone's templated catalog). */
export interface CatalogService {
  type: string;
  name: string;
  url: string;
}
export interface ServiceProvider {
  id: string;
  sp_url: string;
  auth_url: string;
}
export interface RenderOptions {
  catalog: CatalogService[];
  region: string;
  serviceProviders: ServiceProvider[];
}

/** Keystone prints microseconds: 2015-11-06T15:32:17.893769Z. */
export function keystoneTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

const MEDIA_TYPES = [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }];

export function v3Version(base: string): Record<string, unknown> {
  return {
    id: 'v3.14',
    status: 'stable',
    updated: '2020-04-07T00:00:00Z',
    links: [{ rel: 'self', href: `${base}/v3/` }],
    'media-types': MEDIA_TYPES,
  };
}

/** `GET /` answers 300 Multiple Choices with `versions.values`. */
export function versionsDocument(base: string): Record<string, unknown> {
  return { versions: { values: [v3Version(base)] } };
}

function stableId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 32);
}

export function renderCatalog(opts: RenderOptions, projectId: string): Record<string, unknown>[] {
  return opts.catalog.map((svc) => {
    const url = svc.url.replace('$(project_id)s', projectId).replace('%(project_id)s', projectId);
    const endpoints = ['public', 'internal'].map((iface) => ({
      id: stableId(svc.type, svc.name, iface),
      interface: iface,
      region: opts.region,
      region_id: opts.region,
      url,
    }));
    return { endpoints, id: stableId(svc.type, svc.name), type: svc.type, name: svc.name };
  });
}

function domainOf(store: KeystoneStore, id: string): Named {
  return store.domains.get(id) ?? { id, name: id };
}

export function renderUser(store: KeystoneStore, user: User): Record<string, unknown> {
  const body: Record<string, unknown> = {
    domain: domainOf(store, user.domainId),
    id: user.id,
    name: user.name,
    password_expires_at: null,
  };
  if (user.federation) {
    body['OS-FEDERATION'] = {
      identity_provider: { id: user.federation.idpId },
      protocol: { id: user.federation.protocolId },
      groups: user.federation.groups.map((g) => ({ id: g.id })),
    };
  }
  return body;
}

export function renderToken(
  store: KeystoneStore,
  rec: TokenRecord,
  opts: RenderOptions,
  includeCatalog = true,
): Record<string, unknown> {
  const user = store.users.get(rec.userId);
  const token: Record<string, unknown> = {
    methods: rec.methods,
    user: user ? renderUser(store, user) : { id: rec.userId },
    audit_ids: rec.auditIds,
    expires_at: keystoneTime(rec.expiresAt),
    issued_at: keystoneTime(rec.issuedAt),
  };
  const project = rec.projectId ? store.projects.get(rec.projectId) : undefined;
  if (project) {
    token.project = { domain: domainOf(store, project.domainId), id: project.id, name: project.name };
    token.is_domain = false;
    token.roles = rec.roleIds.map((id) => store.roles.get(id)).filter((r): r is Named => r !== undefined);
    // Keystone omits the catalog for unscoped tokens and when `?nocatalog` is given.
    if (includeCatalog) token.catalog = renderCatalog(opts, project.id);
  }
  const ac = rec.appCredentialId ? store.appCredentials.get(rec.appCredentialId) : undefined;
  if (ac) token.application_credential = { id: ac.id, name: ac.name, restricted: true };
  if (opts.serviceProviders.length > 0) token.service_providers = opts.serviceProviders;
  return { token };
}

export function renderProject(project: Project, base: string): Record<string, unknown> {
  return {
    id: project.id,
    name: project.name,
    domain_id: project.domainId,
    description: project.description,
    enabled: true,
    is_domain: false,
    parent_id: project.domainId,
    tags: project.tags ?? [],
    options: {},
    links: { self: `${base}/v3/projects/${project.id}` },
  };
}

export function renderProjectList(projects: Project[], base: string, selfHref: string): Record<string, unknown> {
  return {
    projects: projects.map((p) => renderProject(p, base)),
    links: { self: selfHref, previous: null, next: null },
  };
}
