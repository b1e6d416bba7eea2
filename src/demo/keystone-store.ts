// In-memory Keystone model: domains, projects, users, role grants, application credentials and tokens.
// No HTTP here; fake-keystone.ts and fake-federation.ts render it in Keystone's wire shapes.
import { randomBytes } from 'node:crypto';
import { newHexId, randomToken } from './sim-http';

export interface Named {
  id: string;
  name: string;
}
export interface Project extends Named {
  domainId: string;
  description: string;
  /** Keystone project tags (strings without "," or "/"). */
  tags?: string[];
}
export interface FederatedIdentity {
  idpId: string;
  protocolId: string;
  groups: Named[];
}
export interface User extends Named {
  domainId: string;
  password?: string;
  federation?: FederatedIdentity;
}
export interface AppCredential extends Named {
  secret: string;
  userId: string;
  projectId: string;
  roleIds: string[];
}
export interface TokenRecord {
  id: string;
  userId: string;
  methods: string[];
  projectId?: string;
  roleIds: string[];
  issuedAt: number;
  expiresAt: number;
  auditIds: string[];
  appCredentialId?: string;
  revoked: boolean;
}
/** A domain, project or user reference as Keystone accepts it in auth bodies: by id, or by name (+ domain). */
export interface Ref {
  id?: unknown;
  name?: unknown;
  domain?: { id?: unknown; name?: unknown };
}

export interface KeystoneStoreOptions {
  tokenLifetimeSec?: number;
  clock?: () => number;
}

export class KeystoneStore {
  readonly domains = new Map<string, Named>();
  readonly projects = new Map<string, Project>();
  readonly roles = new Map<string, Named>();
  readonly users = new Map<string, User>();
  readonly appCredentials = new Map<string, AppCredential>();
  readonly tokens = new Map<string, TokenRecord>();
  /** userId -> projectId -> role ids */
  private readonly grants = new Map<string, Map<string, Set<string>>>();
  readonly tokenLifetimeSec: number;
  readonly now: () => number;

  constructor(opts: KeystoneStoreOptions = {}) {
    this.tokenLifetimeSec = opts.tokenLifetimeSec ?? 3600;
    this.now = opts.clock ?? Date.now;
    this.domains.set('default', { id: 'default', name: 'Default' });
  }

  addDomain(name: string, id = newHexId()): Named {
    const d = { id, name };
    this.domains.set(id, d);
    return d;
  }

  addProject(name: string, domainId = 'default', id = newHexId()): Project {
    const p = { id, name, domainId, description: `${name} project` };
    this.projects.set(id, p);
    return p;
  }

  role(name: string): Named {
    for (const r of this.roles.values()) if (r.name === name) return r;
    const r = { id: newHexId(), name };
    this.roles.set(r.id, r);
    return r;
  }

  addUser(name: string, password: string | undefined, domainId = 'default', id = newHexId()): User {
    const u: User = { id, name, domainId, password };
    this.users.set(id, u);
    return u;
  }

  grant(userId: string, projectId: string, roleNames: string[]): void {
    const perUser = this.grants.get(userId) ?? new Map<string, Set<string>>();
    const set = perUser.get(projectId) ?? new Set<string>();
    for (const name of roleNames) set.add(this.role(name).id);
    perUser.set(projectId, set);
    this.grants.set(userId, perUser);
  }

  addAppCredential(userId: string, projectId: string, name: string): AppCredential {
    const ac: AppCredential = {
      id: newHexId(),
      name,
      secret: randomBytes(24).toString('base64url'),
      userId,
      projectId,
      roleIds: this.roleIdsOn(userId, projectId),
    };
    this.appCredentials.set(ac.id, ac);
    return ac;
  }

  roleIdsOn(userId: string, projectId: string): string[] {
    return [...(this.grants.get(userId)?.get(projectId) ?? [])];
  }

  projectsOf(userId: string): Project[] {
    const ids = [...(this.grants.get(userId)?.keys() ?? [])];
    return ids.map((id) => this.projects.get(id)).filter((p): p is Project => p !== undefined);
  }

  isAdmin(token: TokenRecord): boolean {
    return token.roleIds.some((id) => this.roles.get(id)?.name === 'admin');
  }

  findDomain(ref: Ref['domain']): Named | undefined {
    if (!ref) return this.domains.get('default');
    if (typeof ref.id === 'string') return this.domains.get(ref.id);
    if (typeof ref.name === 'string') return [...this.domains.values()].find((d) => d.name === ref.name);
    return undefined;
  }

  findUser(ref: Ref): User | undefined {
    if (typeof ref.id === 'string') return this.users.get(ref.id);
    if (typeof ref.name !== 'string') return undefined;
    const domain = this.findDomain(ref.domain);
    return [...this.users.values()].find((u) => u.name === ref.name && u.domainId === domain?.id);
  }

  findProject(ref: Ref): Project | undefined {
    if (typeof ref.id === 'string') return this.projects.get(ref.id);
    if (typeof ref.name !== 'string') return undefined;
    const domain = this.findDomain(ref.domain);
    return [...this.projects.values()].find((p) => p.name === ref.name && p.domainId === domain?.id);
  }

  /** Issues a token; a project scope requires at least one role on the project (else undefined = 401). */
  issue(
    user: User,
    methods: string[],
    projectId?: string,
    extra: { auditChain?: string[]; appCredentialId?: string; roleIds?: string[] } = {},
  ): TokenRecord | undefined {
    const roleIds = projectId ? (extra.roleIds ?? this.roleIdsOn(user.id, projectId)) : [];
    if (projectId && roleIds.length === 0) return undefined;
    const issuedAt = this.now();
    const rec: TokenRecord = {
      id: randomToken(),
      userId: user.id,
      methods,
      projectId,
      roleIds,
      issuedAt,
      expiresAt: issuedAt + this.tokenLifetimeSec * 1000,
      auditIds: [randomBytes(16).toString('base64url').slice(0, 22), ...(extra.auditChain ?? [])],
      appCredentialId: extra.appCredentialId,
      revoked: false,
    };
    this.tokens.set(rec.id, rec);
    return rec;
  }

  /** A live token (known, not revoked, not expired), else undefined. */
  lookup(tokenId: string | undefined): TokenRecord | undefined {
    if (!tokenId) return undefined;
    const rec = this.tokens.get(tokenId);
    if (!rec || rec.revoked || rec.expiresAt <= this.now()) return undefined;
    if (!this.users.has(rec.userId)) return undefined;
    return rec;
  }

  revoke(tokenId: string): boolean {
    const rec = this.lookup(tokenId);
    if (!rec) return false;
    rec.revoked = true;
    return true;
  }
}
