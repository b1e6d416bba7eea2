// Keystone v3 `POST /v3/auth/tokens` request handling: identity methods (password, token, application_credential)
// and scope (unscoped, project by id or by name + domain), as in the keystone api-ref "Password authentication
// with scoped authorization", "Token authentication with scoped authorization" and "Authenticating with an
// Application Credential". Any failure is a 401 in Keystone (it does not say which part was wrong).
import type { KeystoneStore, Ref, TokenRecord, User } from './keystone-store';

interface AuthBody {
  identity?: {
    methods?: unknown;
    password?: { user?: Ref & { password?: unknown } };
    token?: { id?: unknown };
    application_credential?: { id?: unknown; name?: unknown; secret?: unknown; user?: Ref };
  };
  scope?: unknown;
}

export type AuthOutcome = { ok: true; token: TokenRecord } | { ok: false; status: 400 | 401; message: string };

const UNAUTHORIZED = 'The request you have made requires authentication.';

interface Identified {
  user: User;
  methods: string[];
  base?: TokenRecord;
  appCredentialId?: string;
  appProjectId?: string;
}

function identify(store: KeystoneStore, identity: NonNullable<AuthBody['identity']>): Identified | undefined {
  const methods = Array.isArray(identity.methods) ? identity.methods : [];
  if (methods.includes('password')) {
    const ref = identity.password?.user;
    const user = ref ? store.findUser(ref) : undefined;
    if (!user || user.password === undefined || user.password !== ref?.password) return undefined;
    return { user, methods: ['password'] };
  }
  if (methods.includes('token')) {
    const base = typeof identity.token?.id === 'string' ? store.lookup(identity.token.id) : undefined;
    const user = base ? store.users.get(base.userId) : undefined;
    if (!base || !user) return undefined;
    return { user, base, methods: ['token', ...base.methods.filter((m) => m !== 'token')] };
  }
  if (methods.includes('application_credential')) {
    const body = identity.application_credential;
    let ac = typeof body?.id === 'string' ? store.appCredentials.get(body.id) : undefined;
    if (!ac && typeof body?.name === 'string' && body.user) {
      const owner = store.findUser(body.user);
      ac = [...store.appCredentials.values()].find((a) => a.name === body.name && a.userId === owner?.id);
    }
    const user = ac ? store.users.get(ac.userId) : undefined;
    if (!ac || !user || ac.secret !== body?.secret) return undefined;
    return { user, methods: ['application_credential'], appCredentialId: ac.id, appProjectId: ac.projectId };
  }
  return undefined;
}

/** undefined = unscoped; null = a scope that cannot be satisfied. */
function resolveScope(store: KeystoneStore, scope: unknown): string | undefined | null {
  if (scope === undefined || scope === 'unscoped') return undefined;
  if (typeof scope !== 'object' || scope === null) return null;
  const project = (scope as { project?: Ref }).project;
  if (!project) return null; // domain and system scope are not simulated
  return store.findProject(project)?.id ?? null;
}

export function authenticate(store: KeystoneStore, body: unknown): AuthOutcome {
  const auth = (body as { auth?: AuthBody } | undefined)?.auth;
  if (!auth?.identity || !Array.isArray(auth.identity.methods)) {
    return { ok: false, status: 400, message: "'identity' is a required property" };
  }
  const who = identify(store, auth.identity);
  if (!who) return { ok: false, status: 401, message: UNAUTHORIZED };
  let projectId = resolveScope(store, auth.scope);
  if (projectId === null) return { ok: false, status: 401, message: UNAUTHORIZED };
  if (who.appProjectId) {
    // An application credential is bound to its project; another scope is refused.
    if (projectId !== undefined && projectId !== who.appProjectId) {
      return { ok: false, status: 401, message: UNAUTHORIZED };
    }
    projectId = who.appProjectId;
  }
  const token = store.issue(who.user, who.methods, projectId, {
    auditChain: who.base ? [who.base.auditIds[0] ?? ''] : [],
    appCredentialId: who.appCredentialId,
  });
  if (!token) return { ok: false, status: 401, message: UNAUTHORIZED };
  // A rescoped token keeps the expiry of the token it came from.
  if (who.base) token.expiresAt = Math.min(token.expiresAt, who.base.expiresAt);
  return { ok: true, token };
}
