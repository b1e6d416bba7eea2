/** What the proxy keeps from a validated Keystone token body (never the token itself). */
export interface ServiceProviderRef {
  id: string;
  spUrl: string;
  authUrl: string;
}

export interface KeystoneCatalogEntry {
  type: string;
  endpoints: Array<{ interface: string; region?: string | null; url: string }>;
}

export interface TokenInfo {
  userId: string;
  userName: string;
  userDomainId: string;
  projectId?: string;
  projectName?: string;
  projectDomainId?: string;
  roles: string[];
  expiresAt: number;
  region?: string;
  catalog: KeystoneCatalogEntry[];
  serviceProviders: ServiceProviderRef[];
}

interface RawTokenBody {
  token?: {
    expires_at?: string;
    user?: { id?: string; name?: string; domain?: { id?: string } };
    project?: { id?: string; name?: string; domain?: { id?: string } };
    roles?: Array<{ name?: string }>;
    catalog?: KeystoneCatalogEntry[];
    service_providers?: Array<{ id?: string; sp_url?: string; auth_url?: string }>;
  };
}

/** Parse a Keystone v3 token body; returns undefined when it lacks what every token has. */
export function parseTokenBody(body: unknown): TokenInfo | undefined {
  const t = (body as RawTokenBody | null)?.token;
  if (!t?.user?.id || !t.expires_at) return undefined;
  const expiresAt = Date.parse(t.expires_at);
  if (Number.isNaN(expiresAt)) return undefined;
  const catalog = Array.isArray(t.catalog) ? t.catalog : [];
  const region = catalog.flatMap((c) => c.endpoints ?? []).find((e) => e.region)?.region ?? undefined;
  return {
    userId: t.user.id,
    userName: t.user.name ?? '',
    userDomainId: t.user.domain?.id ?? '',
    projectId: t.project?.id,
    projectName: t.project?.name,
    projectDomainId: t.project?.domain?.id,
    roles: (t.roles ?? []).map((r) => r.name ?? '').filter(Boolean),
    expiresAt,
    region,
    catalog,
    serviceProviders: (t.service_providers ?? [])
      .filter((s) => s.id && s.sp_url && s.auth_url)
      .map((s) => ({ id: s.id as string, spUrl: s.sp_url as string, authUrl: s.auth_url as string })),
  };
}

/** Find a service URL in a Keystone catalog (public interface, preferring the region). */
export function catalogUrl(
  catalog: KeystoneCatalogEntry[],
  types: readonly string[],
  region?: string,
): string | undefined {
  for (const type of types) {
    const entry = catalog.find((c) => c.type === type);
    const publics = entry?.endpoints.filter((e) => e.interface === 'public') ?? [];
    const pick = publics.find((e) => !region || e.region === region) ?? publics[0];
    if (pick) return pick.url.replace(/\/+$/, '');
  }
  return undefined;
}
