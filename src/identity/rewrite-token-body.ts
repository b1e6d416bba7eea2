import type { CatalogEntry, CatalogVars } from '../catalog/template';

/**
 * Replace a Keystone token body's catalog with the proxy's and drop `service_providers` (their URLs are the
 * providers' own). Pure: returns a new document.
 */
export function rewriteTokenBody(
  doc: unknown,
  render: (vars: CatalogVars) => CatalogEntry[],
  vars: Omit<CatalogVars, 'projectId'>,
): unknown {
  const token = (doc as { token?: Record<string, unknown> } | null)?.token;
  if (!token || typeof token !== 'object') return doc;
  const project = token['project'] as { id?: string } | undefined;
  const next: Record<string, unknown> = { ...token };
  delete next['service_providers'];
  if ('catalog' in token) next['catalog'] = render({ ...vars, projectId: project?.id });
  return { ...(doc as object), token: next };
}

/** Same for GET /v3/auth/catalog bodies. */
export function rewriteCatalogBody(
  doc: unknown,
  render: (vars: CatalogVars) => CatalogEntry[],
  vars: CatalogVars,
): unknown {
  const links = (doc as { links?: unknown } | null)?.links;
  return { catalog: render(vars), ...(links ? { links } : {}) };
}
