/**
 * Project-id translation between the user's home project and the provider project mapped from it (docs/contract.md
 * "Projects"). Pure: every function returns new data and never touches its input.
 */

/** Body keys whose value is a project id in Nova, Cinder and Glance documents. */
export const PROJECT_ID_KEYS: ReadonlySet<string> = new Set([
  'project_id',
  'tenant_id',
  'os-vol-tenant-attr:tenant_id',
  'os-extended-snapshot-attributes:project_id',
  'owner',
  'member_id',
]);

export interface ProjectPair {
  from: string;
  to: string;
}

/** Replace `from` by `to` wherever a project-id key holds exactly `from`; every other value is copied as is. */
export function translateProjectIds<T>(doc: T, pair: ProjectPair | undefined): T {
  if (!pair || pair.from === pair.to) return doc;
  return walk(doc, pair) as T;
}

function walk(value: unknown, pair: ProjectPair): unknown {
  if (Array.isArray(value)) return value.map((v) => walk(v, pair));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = PROJECT_ID_KEYS.has(k) && v === pair.from ? pair.to : walk(v, pair);
  }
  return out;
}

/** The pair for a request going to a provider (home → provider project); undefined when nothing changes. */
export function towardsProvider(homeProjectId?: string, providerProjectId?: string): ProjectPair | undefined {
  if (!homeProjectId || !providerProjectId || homeProjectId === providerProjectId) return undefined;
  return { from: homeProjectId, to: providerProjectId };
}

/** The pair for a provider's answer going back to the client (provider → home project). */
export function towardsClient(homeProjectId?: string, providerProjectId?: string): ProjectPair | undefined {
  const pair = towardsProvider(homeProjectId, providerProjectId);
  return pair && { from: pair.to, to: pair.from };
}

/** Query values naming a project (`project_id=`, `tenant_id=`, `owner=`) translated like body keys. */
export function translateQueryProjects(params: URLSearchParams, pair: ProjectPair | undefined): URLSearchParams {
  const out = new URLSearchParams();
  for (const [k, v] of params) out.append(k, pair && PROJECT_ID_KEYS.has(k) && v === pair.from ? pair.to : v);
  return out;
}
