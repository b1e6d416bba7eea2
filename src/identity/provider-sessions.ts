import type { HomeIdentity, ProviderIdentity } from './identity-directory';
import type { Config, ProviderConfig } from '../config/types';
import type { Caller } from './caller';
import { ProviderUnavailable, Unauthorized } from '../errors/errors';
import type { Metrics } from '../observability/metrics';
import { memoryCache, type Cache } from '../state/cache';
import { SingleFlight } from '../state/single-flight';
import { tokenDigest } from '../state/token-key';
import type { UpstreamClient } from '../upstream/client';
import { K2kError, ProviderNotChosen } from './k2k/errors';
import { K2kRefusals } from './k2k/refusals';
import { exchangeForFederatedToken } from './k2k/exchange';
import { mapProject, scopeToProject, type ScopedToken } from './k2k/scope';
import type { MintedTokens } from './minted-tokens';
import { NoStaticAccount, staticAccountFor } from './static-accounts';
import type { KeystoneCatalogEntry } from './token-info';

/**
 * How long one instance holds the lease on a key's exchange (a K2K exchange is 5 Keystone calls, 0.3-0.7 s in the
 * lab). Short on purpose: an instance that dies holding it stalls the others' first calls for at most this long;
 * an exchange slower than this lets one more instance exchange, which costs a call, not correctness.
 */
const LEASE_MS = 3_000;
const LEASE_POLL_MS = 25;
/** How long a provider project found by name is reused without listing the projects again (mapAndScope). */
const PROJECT_MAPPING_TTL_MS = 3_600_000;

/** Credentials to act at one provider on behalf of one (user, home project). */
export interface ProviderSession {
  provider: string;
  kind: 'home' | 'k2k' | 'static';
  token: string;
  /** Provider project id (Keystone-backed providers). */
  projectId?: string;
  homeProjectId?: string;
  /** The user the provider's Keystone scoped the token for (Keystone-backed providers). */
  userId?: string;
  expiresAt: number;
  catalog: KeystoneCatalogEntry[];
  region?: string;
  /** Static-credential Swift: the storage URL tempauth returned. */
  storageUrl?: string;
}

/**
 * Provider tokens by K2K, cached per (home token digest, provider, home project) until shortly before expiry,
 * single-flight so concurrent requests share one exchange. A session is only ever returned for the
 * caller whose token digest is in its key, so a provider token never serves another user or project.
 */
export class ProviderSessions {
  private readonly flight = new SingleFlight<ProviderSession>();
  private readonly byName: Map<string, ProviderConfig>;
  /** When this instance last exchanged with each provider, for operators (/readyz, `ocx-proxy providers`). */
  private readonly lastK2k = new Map<string, { at: number; result: 'ok' | 'error' }>();
  private readonly refusals: K2kRefusals;
  /** Told who the caller is at a provider after each exchange (app.ts: the ACL identity directory). */
  onExchange?: (provider: string, home: HomeIdentity, at: ProviderIdentity) => void;
  /** Provider project per (user, home project, provider): mapAndScope. */
  private readonly projectIds: Cache<{ id: string }>;

  constructor(
    private readonly config: Config,
    private readonly upstream: UpstreamClient,
    private readonly cache: Cache<ProviderSession>,
    private readonly metrics?: Metrics,
    private readonly now: () => number = Date.now,
    private readonly minted?: MintedTokens,
  ) {
    this.byName = new Map(config.providers.map((p) => [p.name, p]));
    // Local to each instance: at worst one refused exchange per instance and k2k_negative_ttl.
    this.projectIds = memoryCache(config.cache.providerTokenMax);
    this.refusals = new K2kRefusals(memoryCache(config.cache.providerTokenMax), config.cache.k2kNegativeTtlMs);
  }

  private key(caller: Caller, provider: ProviderConfig): string {
    // Per home project: each has its own account at a static provider, and a session must never serve another.
    if (provider.objectStore && !provider.keystoneUrl) {
      return `static|${provider.name}|${caller.info.projectId ?? '-'}`;
    }
    return `${tokenDigest(caller.token)}|${caller.info.userId}|${caller.info.projectId ?? '-'}|${provider.name}`;
  }

  async get(caller: Caller, providerName: string): Promise<ProviderSession> {
    const provider = this.byName.get(providerName);
    if (!provider) throw new Error(`unknown provider ${providerName}`);
    if (provider.name === this.config.home) return this.homeSession(caller);
    // The one gate for every call to a provider: one the project did not choose gets no exchange and no call.
    if (caller.providers && !caller.providers.includes(provider.name)) {
      throw new ProviderNotChosen(provider.name, caller.providers);
    }
    const key = this.key(caller, provider);
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt - this.config.cache.providerTokenMarginMs > this.now()) {
      this.metrics?.cacheLookups.inc({ cache: 'provider_token', result: 'hit' });
      return cached;
    }
    this.metrics?.cacheLookups.inc({ cache: 'provider_token', result: 'miss' });
    return this.flight.run(key, () => this.sharedOrNew(caller, provider, key));
  }

  /**
   * Another instance's session for this same key (state.backend redis or workers), else a new one. Across
   * instances one exchange per key: the instance holding the shared lease exchanges, the others poll the shared
   * level for its result (bounded; the lease fails open when the shared level is down).
   */
  private async sharedOrNew(caller: Caller, provider: ProviderConfig, key: string): Promise<ProviderSession> {
    const usable = (s: ProviderSession | undefined): ProviderSession | undefined =>
      s && s.expiresAt - this.config.cache.providerTokenMarginMs > this.now() ? s : undefined;
    const shared = usable(await this.cache.fetchShared?.(key));
    if (shared) return shared;
    if (this.cache.claimShared) {
      for (let polls = 0; !(await this.cache.claimShared(key, LEASE_MS)); polls++) {
        // The claim is retried on every poll, so a lease that expires is taken over; the bound is a safety net.
        if (polls >= (2 * LEASE_MS) / LEASE_POLL_MS) break;
        await new Promise((resolve) => setTimeout(resolve, LEASE_POLL_MS));
        const theirs = usable(await this.cache.fetchShared?.(key));
        if (theirs) return theirs;
      }
    }
    let session: ProviderSession;
    try {
      session = provider.keystoneUrl ? await this.k2k(caller, provider) : await this.tempauth(caller, provider);
    } catch (err) {
      void this.cache.releaseShared?.(key);
      throw err;
    }
    const ttl = session.expiresAt - this.config.cache.providerTokenMarginMs - this.now();
    this.cache.set(key, session, ttl);
    if (session.kind === 'k2k') {
      this.minted?.remember(
        session.token,
        { homeToken: caller.token, provider: provider.name, providerProjectId: session.projectId },
        ttl,
      );
    }
    return session;
  }

  /** The last K2K exchange per provider (time and result only: nothing about the user). */
  lastExchanges(): Record<string, { at: string; result: 'ok' | 'error' }> {
    return Object.fromEntries(
      [...this.lastK2k].map(([name, x]) => [name, { at: new Date(x.at).toISOString(), result: x.result }]),
    );
  }

  /** Drop a provider token the provider has rejected (401), so the next get() exchanges afresh. */
  invalidate(caller: Caller, providerName: string): void {
    const provider = this.byName.get(providerName);
    if (!provider || provider.name === this.config.home) return;
    const key = this.key(caller, provider);
    this.cache.delete(key);
    // The lease of the exchange that made the rejected token would make the next get() wait for nothing.
    void this.cache.releaseShared?.(key);
  }

  /**
   * Drop every provider session made for the caller's home token, and the provider tokens minted with them: the
   * home token was revoked or rejected, so nothing derived from it may keep working. Static-credential sessions
   * are not the token's and stay.
   */
  forgetToken(caller: Caller): void {
    for (const provider of this.byName.values()) {
      if (provider.name === this.config.home || !provider.keystoneUrl) continue;
      const key = this.key(caller, provider);
      const session = this.cache.get(key);
      if (session?.kind === 'k2k') this.minted?.forget(session.token);
      this.cache.delete(key);
      void this.cache.releaseShared?.(key);
    }
  }

  private homeSession(caller: Caller): ProviderSession {
    return {
      provider: this.config.home,
      kind: 'home',
      token: caller.token,
      projectId: caller.info.projectId,
      homeProjectId: caller.info.projectId,
      userId: caller.info.userId,
      expiresAt: caller.info.expiresAt,
      catalog: caller.info.catalog,
      region: caller.info.region,
    };
  }

  private async k2k(caller: Caller, provider: ProviderConfig): Promise<ProviderSession> {
    const keystoneUrl = provider.keystoneUrl as string;
    const homeKeystone = this.byName.get(this.config.home)?.keystoneUrl as string;
    if (!caller.info.projectId) throw new Unauthorized('A project-scoped token is required to reach other providers.');
    const refused = this.refusals.check(caller.info.userId, caller.info.projectId, provider.name);
    if (refused) throw refused;
    const started = this.now();
    try {
      const sp = caller.info.serviceProviders.find((s) => s.id === provider.spId);
      if (!sp) throw new K2kError(provider.name, 'service-provider');
      // SECURITY: the SP URLs come from the home Keystone's catalog; only ever send the assertion to the
      // configured provider's origin.
      if (!sameOrigin(sp.spUrl, keystoneUrl) || !sameOrigin(sp.authUrl, keystoneUrl)) {
        throw new K2kError(provider.name, 'service-provider');
      }
      const fed = await exchangeForFederatedToken(this.upstream, {
        homeName: this.config.home,
        homeKeystoneUrl: homeKeystone,
        homeToken: caller.token,
        provider: provider.name,
        sp,
      });
      const { projectId, scoped } = await this.mapAndScope(caller, provider, fed.token);
      this.metrics?.k2kExchanges.inc({ provider: provider.name, result: 'ok' });
      this.lastK2k.set(provider.name, { at: this.now(), result: 'ok' });
      this.metrics?.k2kLatency.observe({ provider: provider.name }, (this.now() - started) / 1000);
      const { userId, userName, userDomainId, projectName, projectDomainId } = caller.info;
      const home = { userId, userName, userDomainId, projectId: caller.info.projectId, projectName, projectDomainId };
      this.onExchange?.(provider.name, home, { userId: scoped.info.userId, projectId });
      return {
        provider: provider.name,
        kind: 'k2k',
        token: scoped.token,
        projectId,
        homeProjectId: caller.info.projectId,
        userId: scoped.info.userId,
        // Never trust a provider token past the home token it was derived from.
        expiresAt: Math.min(scoped.info.expiresAt, caller.info.expiresAt),
        catalog: scoped.info.catalog,
        region: scoped.info.region,
      };
    } catch (err) {
      this.metrics?.k2kExchanges.inc({ provider: provider.name, result: 'error' });
      this.lastK2k.set(provider.name, { at: this.now(), result: 'error' });
      const step = err instanceof K2kError ? err.step : 'transport';
      this.metrics?.k2kFailures.inc({ provider: provider.name, step });
      this.refusals.record(caller.info.userId, caller.info.projectId, provider.name, err);
      throw err;
    }
  }

  /**
   * Steps 4 and 5 of the exchange. The provider project found for (user, home project, provider) is remembered,
   * which saves the project listing on every later exchange (one of five calls in sequence); the provider's
   * Keystone still decides the scope with the user's own federated token, and a refusal of a remembered project
   * is retried once with a fresh mapping (a renamed or re-created project).
   */
  private async mapAndScope(
    caller: Caller,
    provider: ProviderConfig,
    federatedToken: string,
  ): Promise<{ projectId: string; scoped: ScopedToken }> {
    const keystoneUrl = provider.keystoneUrl as string;
    const mapKey = `${caller.info.userId}|${caller.info.projectId ?? '-'}|${provider.name}`;
    const remembered = this.projectIds.get(mapKey)?.id;
    const fresh = () =>
      mapProject(this.upstream, {
        provider: provider.name,
        keystoneUrl,
        federatedToken,
        homeProjectId: caller.info.projectId as string,
        homeProjectName: caller.info.projectName,
        projectMap: provider.projectMap,
      });
    const scope = (projectId: string) =>
      scopeToProject(this.upstream, { provider: provider.name, keystoneUrl, federatedToken, projectId });
    let projectId = remembered ?? (await fresh());
    let scoped: ScopedToken;
    try {
      scoped = await scope(projectId);
    } catch (err) {
      if (!remembered || !(err instanceof K2kError)) throw err;
      this.projectIds.delete(mapKey);
      projectId = await fresh();
      scoped = await scope(projectId);
    }
    this.projectIds.set(mapKey, { id: projectId }, PROJECT_MAPPING_TTL_MS);
    return { projectId, scoped };
  }

  /** Static credentials (tempauth): the account configured for the caller's home project, logged in to by the proxy. */
  private async tempauth(caller: Caller, provider: ProviderConfig): Promise<ProviderSession> {
    const os = provider.objectStore;
    if (!os) throw new ProviderUnavailable(provider.name, 'has no credentials configured');
    const account = staticAccountFor(os, caller.info);
    if (!account) throw new NoStaticAccount(provider.name);
    const res = await this.upstream.send({
      provider: provider.name,
      service: 'object-store',
      method: 'GET',
      url: os.authUrl,
      headers: { 'x-auth-user': account.user, 'x-auth-key': account.key },
    });
    res.body.resume();
    const token = first(res.headers['x-auth-token']);
    const storageUrl = first(res.headers['x-storage-url']);
    if (res.status >= 300 || !token || !storageUrl) {
      throw new ProviderUnavailable(provider.name, `refused the configured credentials (HTTP ${res.status})`);
    }
    const ttlHeader = Number(first(res.headers['x-auth-token-expires']) ?? '3600');
    return {
      provider: provider.name,
      kind: 'static',
      token,
      homeProjectId: caller.info.projectId,
      expiresAt: this.now() + (Number.isFinite(ttlHeader) ? ttlHeader : 3600) * 1000,
      catalog: [],
      storageUrl: storageUrl.replace(/\/+$/, ''),
    };
  }
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
