import type { Cache } from '../state/cache';

/**
 * Which user and project a home user and home project are at each provider, as each provider's own Keystone said
 * in the tokens it scoped for them (K2K, provider-sessions.ts). Swift container ACLs name grantees by id
 * (`<project>:<user>`) or, in Keystone's default domain, by name (`<project name>:<user name>`) (acl-ids.ts), and a
 * provider's Swift only knows its own ids and, for federated users, its own domains: an owner granting a home
 * project is translated to the ids that home project's users get at that provider, and the provider's ids back to
 * home's when the ACL is read. Nothing here is ever taken from a request: only token answers (home's Keystone for
 * names, providers' for their ids) write it.
 *
 * Forward entries (home id -> provider id) and names follow the latest exchange (a re-created project). A provider
 * id claimed by two home ids (two home projects mapped to one shared provider project) is ambiguous and not
 * translated back. Kept in the shared state so every replica translates alike.
 */
export interface ProviderIdentity {
  userId: string;
  projectId: string;
}

/** The caller at home as its token names it (names are only indexed in Keystone's default domain). */
export interface HomeIdentity extends ProviderIdentity {
  userName?: string;
  userDomainId?: string;
  projectName?: string;
  projectDomainId?: string;
}

/** Keystone's default domain, the only one whose names Swift's keystoneauth accepts in ACLs. */
export const DEFAULT_DOMAIN = 'default';

interface IdEntry {
  /** '' when ambiguous (reverse entries only). */
  id: string;
}

export interface AclIds {
  projects: ReadonlyMap<string, string>;
  users: ReadonlyMap<string, string>;
  /** Default-domain names (`project_name:user_name` elements) -> the provider's ids, only ever as a pair. */
  projectNames?: ReadonlyMap<string, string>;
  userNames?: ReadonlyMap<string, string>;
}

export const NO_ACL_IDS: AclIds = { projects: new Map(), users: new Map() };

/** As long as an ACL set through the proxy should keep meaning what it meant without the grantee logging in again. */
export const IDENTITY_TTL_MS = 30 * 24 * 3600_000;

type Kind = 'u' | 'p';
/** `>` home id -> provider id, `<` provider id -> home id, `#` home name -> home id. */
type Dir = '>' | '<' | '#';

interface IdLists {
  projects: string[];
  users: string[];
}

export class IdentityDirectory {
  constructor(
    private readonly cache: Cache<IdEntry>,
    private readonly ttlMs = IDENTITY_TTL_MS,
  ) {}

  /** One exchange's answer: `home` (the caller at home) is `at` at `provider`. */
  async learn(provider: string, home: HomeIdentity, at: ProviderIdentity): Promise<void> {
    await Promise.all([
      this.pair('u', provider, home.userId, at.userId),
      this.pair('p', provider, home.projectId, at.projectId),
      home.userDomainId === DEFAULT_DOMAIN ? this.name('u', home.userName, home.userId) : undefined,
      home.projectDomainId === DEFAULT_DOMAIN ? this.name('p', home.projectName, home.projectId) : undefined,
    ]);
  }

  private async pair(kind: Kind, provider: string, homeId: string, providerId: string): Promise<void> {
    if (!homeId || !providerId) return;
    const fwd = key('>', kind, provider, homeId);
    const back = key('<', kind, provider, providerId);
    // Told on every exchange: the shared level is only written when this replica's copy disagrees.
    if (this.cache.get(fwd)?.id === providerId && this.cache.get(back)?.id === homeId) return;
    const [knownFwd, knownBack] = await Promise.all([this.read(fwd), this.read(back)]);
    if (knownFwd?.id !== providerId) this.cache.set(fwd, { id: providerId }, this.ttlMs);
    const reverse = knownBack === undefined || knownBack.id === homeId ? homeId : '';
    if (knownBack?.id !== reverse) this.cache.set(back, { id: reverse }, this.ttlMs);
  }

  /** A default-domain name at home -> its home id (names are unique in a domain; a re-created one replaces it). */
  private async name(kind: Kind, name: string | undefined, id: string): Promise<void> {
    if (!name || !id) return;
    const k = key('#', kind, '', name);
    if (this.cache.get(k)?.id === id) return;
    if ((await this.read(k))?.id !== id) this.cache.set(k, { id }, this.ttlMs);
  }

  /**
   * What the client wrote for an ACL value the proxy sent a provider translated (names become ids there), so the
   * owner reads back what it set. Per account: one tenant's writing never changes what another reads.
   */
  remember(provider: string, account: string, sent: string, written: string): void {
    if (sent !== written) this.cache.set(`w\0${provider}\0${account}\0${sent}`, { id: written }, this.ttlMs);
  }

  async written(provider: string, account: string, sent: string): Promise<string | undefined> {
    return (await this.read(`w\0${provider}\0${account}\0${sent}`))?.id || undefined;
  }

  private async read(k: string): Promise<IdEntry | undefined> {
    return (await this.cache.fetchShared?.(k)) ?? this.cache.get(k);
  }

  /**
   * Home ids -> the provider's, for those known; with `names`, default-domain project and user names too (Swift
   * honours names in ACLs of a default-domain account only).
   */
  async toProvider(provider: string, ids: IdLists, names = false): Promise<AclIds> {
    const byId = await this.lookup('>', provider, ids);
    if (!names) return byId;
    const [projectNames, userNames] = await Promise.all([
      this.viaName(provider, 'p', ids.projects),
      this.viaName(provider, 'u', ids.users),
    ]);
    return { ...byId, projectNames, userNames };
  }

  /** The provider's ids -> home's, for those known and unambiguous. */
  toHome(provider: string, ids: IdLists): Promise<AclIds> {
    return this.lookup('<', provider, ids);
  }

  private async viaName(provider: string, kind: Kind, names: string[]): Promise<Map<string, string>> {
    const homeIds = await this.many('#', kind, '', names);
    const there = await this.many('>', kind, provider, [...homeIds.values()]);
    const out = new Map<string, string>();
    for (const [name, homeId] of homeIds) {
      const id = there.get(homeId);
      if (id) out.set(name, id);
    }
    return out;
  }

  private async lookup(dir: Dir, provider: string, ids: IdLists): Promise<AclIds> {
    const [projects, users] = await Promise.all([
      this.many(dir, 'p', provider, ids.projects),
      this.many(dir, 'u', provider, ids.users),
    ]);
    return { projects, users };
  }

  private async many(dir: Dir, kind: Kind, provider: string, list: string[]): Promise<Map<string, string>> {
    const found = await Promise.all(
      [...new Set(list)].map(async (id) => [id, (await this.read(key(dir, kind, provider, id)))?.id] as const),
    );
    return new Map(found.filter((f): f is readonly [string, string] => !!f[1]));
  }
}

function key(dir: Dir, kind: Kind, provider: string, id: string): string {
  return `${dir}${kind}\0${provider}\0${id}`;
}
