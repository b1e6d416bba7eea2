import type { Cache } from '../state/cache';

/**
 * Which user and project a home user and home project are at each provider, as each provider's own Keystone said
 * in the tokens it scoped for them (K2K, provider-sessions.ts). Swift container ACLs name grantees by id
 * (`<project>:<user>`, acl-ids.ts), and a provider's Swift only knows its own ids: an owner granting a home project
 * is translated to the project that home project's users get at that provider, and the provider's ids back to home's
 * when the ACL is read. Nothing here is ever taken from a request: only providers' token answers write it.
 *
 * Forward entries (home id -> provider id) follow the latest exchange (a re-created project). A provider id claimed
 * by two home ids (two home projects mapped to one shared provider project) is ambiguous and not translated back.
 * Kept in the shared state so every replica translates alike.
 */
export interface ProviderIdentity {
  userId: string;
  projectId: string;
}

interface IdEntry {
  /** '' when ambiguous (reverse entries only). */
  id: string;
}

export interface AclIds {
  projects: ReadonlyMap<string, string>;
  users: ReadonlyMap<string, string>;
}

export const NO_ACL_IDS: AclIds = { projects: new Map(), users: new Map() };

/** As long as an ACL set through the proxy should keep meaning what it meant without the grantee logging in again. */
export const IDENTITY_TTL_MS = 30 * 24 * 3600_000;

type Kind = 'u' | 'p';

export class IdentityDirectory {
  constructor(
    private readonly cache: Cache<IdEntry>,
    private readonly ttlMs = IDENTITY_TTL_MS,
  ) {}

  /** One exchange's answer: `home` (the caller at home) is `at` at `provider`. */
  async learn(provider: string, home: ProviderIdentity, at: ProviderIdentity): Promise<void> {
    await Promise.all([
      this.pair('u', provider, home.userId, at.userId),
      this.pair('p', provider, home.projectId, at.projectId),
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

  private async read(k: string): Promise<IdEntry | undefined> {
    return (await this.cache.fetchShared?.(k)) ?? this.cache.get(k);
  }

  /** Home ids -> the provider's, for those known. */
  toProvider(provider: string, ids: { projects: string[]; users: string[] }): Promise<AclIds> {
    return this.lookup('>', provider, ids);
  }

  /** The provider's ids -> home's, for those known and unambiguous. */
  toHome(provider: string, ids: { projects: string[]; users: string[] }): Promise<AclIds> {
    return this.lookup('<', provider, ids);
  }

  private async lookup(
    dir: '>' | '<',
    provider: string,
    ids: { projects: string[]; users: string[] },
  ): Promise<AclIds> {
    const one = async (kind: Kind, list: string[]): Promise<Map<string, string>> => {
      const found = await Promise.all(
        [...new Set(list)].map(async (id) => [id, (await this.read(key(dir, kind, provider, id)))?.id] as const),
      );
      return new Map(found.filter((f): f is readonly [string, string] => !!f[1]));
    };
    const [projects, users] = await Promise.all([one('p', ids.projects), one('u', ids.users)]);
    return { projects, users };
  }
}

function key(dir: '>' | '<', kind: Kind, provider: string, id: string): string {
  return `${dir}${kind}\0${provider}\0${id}`;
}
