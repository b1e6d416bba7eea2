import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Config, ProviderConfig } from '../../config/types';
import type { RequestContext } from '../../http/context';
import { serviceBaseUrl } from '../../identity/endpoints';
import type { ProviderSessions } from '../../identity/provider-sessions';
import type { Caller } from '../../identity/caller';
import { DEFAULT_DOMAIN, NO_ACL_IDS, type AclIds, type IdentityDirectory } from '../../identity/identity-directory';
import type { Metrics } from '../../observability/metrics';
import type { TokenValidator } from '../../identity/token-validator';
import type { UpstreamClient, UpstreamResponse } from '../../upstream/client';
import { clientHeadersForProvider, withProxyIdentity, type HeaderBag } from '../../upstream/headers';
import { callWithSession } from '../provider-call';
import { callerRefusal, type CallerRefused } from './swift-errors';
import { containerUrl, objectUrl, withAccount } from './upstream-url';

/** What the object-store front needs, built once at boot. */
export interface SwiftDeps {
  config: Config;
  upstream: UpstreamClient;
  validator: TokenValidator;
  sessions: ProviderSessions;
  metrics?: Metrics;
  /** Told every provider account URL a session yields (the /info service derives its URLs from them). */
  learnBase?: (provider: string, base: string, caller: Caller) => void;
  /**
   * Told every answer to the caller's own account (not another account's), for what signed requests need to
   * know (signing-keys.ts). Never told request bodies.
   */
  observe?: (caller: Caller, provider: string, op: SwiftOp, status: number, headers: HeaderBag) => void;
  /** Grantee ids of container ACLs at each provider (app.ts shares it with the sessions that learn them). */
  directory?: IdentityDirectory;
}

/** One call to one provider's Swift, relative to the caller's account there. */
export interface SwiftOp {
  method: string;
  /** Another account than the caller's at this provider (foreign-account.ts); default the caller's. */
  account?: string;
  container?: string;
  object?: string;
  /** `?a=b...` or ''. */
  query?: string;
  headers?: HeaderBag;
  body?: Readable | Buffer | string;
  /** A streamed body cannot be replayed after a 401 re-exchange. */
  replayable?: boolean;
  signal?: AbortSignal;
}

/**
 * Client request headers fit to forward to a provider's Swift: the shared policy (credentials, forwarding
 * headers and the proxy's own removed), with the client's Content-Length kept for streamed bodies.
 */
export function forwardableHeaders(incoming: IncomingHttpHeaders): HeaderBag {
  const out = clientHeadersForProvider(incoming);
  if (incoming['content-length'] !== undefined) out['content-length'] = String(incoming['content-length']);
  return out;
}

/** The per-request view of every provider's Swift for one caller. */
export class SwiftClient {
  private readonly bases = new Map<string, Promise<string>>();
  readonly providers: readonly ProviderConfig[];

  constructor(
    readonly deps: SwiftDeps,
    readonly caller: Caller,
    readonly ctx: RequestContext,
  ) {
    this.providers = deps.config.providers;
  }

  get names(): string[] {
    return this.providers.map((p) => p.name);
  }

  get home(): string {
    return this.deps.config.home;
  }

  provider(name: string): ProviderConfig {
    const p = this.providers.find((x) => x.name === name);
    if (!p) throw new Error(`unknown provider ${name}`);
    return p;
  }

  /** The caller's account URL at a provider (`.../v1/AUTH_<provider project>`). */
  baseUrl(name: string): Promise<string> {
    let b = this.bases.get(name);
    if (!b) {
      b = this.deps.sessions.get(this.caller, name).then((s) => {
        const base = serviceBaseUrl(this.provider(name), s, 'object-store');
        this.deps.learnBase?.(name, base, this.caller);
        return base;
      });
      b.catch(() => this.bases.delete(name));
      this.bases.set(name, b);
    }
    return b;
  }

  /** Home ids for a provider's ids in ACLs (none translated without a directory or at home). */
  homeIds(provider: string): (ids: { projects: string[]; users: string[] }) => Promise<AclIds> {
    const directory = this.deps.directory;
    return async (ids) => (directory && provider !== this.home ? directory.toHome(provider, ids) : NO_ACL_IDS);
  }

  /** What the client wrote for an ACL value the proxy translated for a provider. */
  written(provider: string, account: string): (value: string) => Promise<string | undefined> {
    const directory = this.deps.directory;
    return async (value) =>
      directory && provider !== this.home ? directory.written(provider, account, value) : undefined;
  }

  /**
   * A provider's ids for home ids in ACLs, and for default-domain names when the caller's project is in the default
   * domain (Swift's keystoneauth honours names only for such an account; federated users elsewhere are not in it).
   */
  async providerIds(provider: string, ids: { projects: string[]; users: string[] }): Promise<AclIds> {
    const directory = this.deps.directory;
    if (!directory || provider === this.home) return NO_ACL_IDS;
    return directory.toProvider(provider, ids, this.caller.info.projectDomainId === DEFAULT_DOMAIN);
  }

  /** Remembers what the client wrote for an ACL value sent to a provider translated. */
  rememberAcl(provider: string, account: string, sent: string, written: string): void {
    if (provider !== this.home) this.deps.directory?.remember(provider, account, sent, written);
  }

  /** The caller's 401/403 at a provider as the caller's own answer (swift-errors.ts callerRefusal). */
  refusal(provider: string, status: number): CallerRefused | undefined {
    return callerRefusal(status, this.provider(provider).objectStore !== undefined);
  }

  async send(provider: string, op: SwiftOp): Promise<UpstreamResponse> {
    const { response } = await callWithSession(
      this.deps,
      this.caller,
      provider,
      async (session) => {
        const base = serviceBaseUrl(this.provider(provider), session, 'object-store');
        this.bases.set(provider, Promise.resolve(base));
        this.deps.learnBase?.(provider, base, this.caller);
        return this.deps.upstream.send({
          provider,
          service: 'object-store',
          method: op.method,
          url: urlFor(base, op),
          headers: { ...withProxyIdentity(op.headers ?? {}, this.ctx), 'x-auth-token': session.token },
          body: op.body,
          signal: op.signal ?? this.ctx.signal,
        });
      },
      op.replayable ?? op.body === undefined,
    );
    if (op.account === undefined) this.deps.observe?.(this.caller, provider, op, response.status, response.headers);
    return response;
  }
}

function urlFor(callerBase: string, op: SwiftOp): string {
  const q = op.query ?? '';
  const base = op.account === undefined ? callerBase : withAccount(callerBase, op.account);
  if (op.container === undefined) return base + q;
  if (op.object === undefined) return containerUrl(base, op.container, q);
  return objectUrl(base, op.container, op.object, q);
}

/** Drains a response whose body is not needed, so its connection goes back to the pool. */
export function discard(res: UpstreamResponse): void {
  res.body.resume();
}
