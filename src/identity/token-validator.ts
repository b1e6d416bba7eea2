import type { Config } from '../config/types';
import { ProviderUnavailable, Unauthorized } from '../errors/errors';
import type { Metrics } from '../observability/metrics';
import type { Cache } from '../state/cache';
import { SingleFlight } from '../state/single-flight';
import { tokenDigest } from '../state/token-key';
import type { UpstreamClient } from '../upstream/client';
import type { MintedTokens } from './minted-tokens';
import { parseTokenBody, type TokenInfo } from './token-info';

type Entry = { ok: true; info: TokenInfo } | { ok: false };

/** The providers a project chose to use (undefined: all); read where the project lives, the home Keystone. */
export interface ProjectChoices {
  chosen(caller: { token: string; info: TokenInfo }): Promise<string[] | undefined>;
}

/**
 * Validates incoming tokens at the home Keystone. Results are cached by the token's digest until
 * min(token expiry, cache.token_ttl); rejections for cache.negative_ttl. The warm path makes no Keystone call.
 * With a shared level a local miss first asks it, so a token validated by one instance is known to all.
 *
 * A token revoked through the proxy leaves a tombstone (same cache, its own key, so it is shared too) for at least
 * cache.token_ttl: a validation already in flight when the revocation lands, or an instance that had the token
 * cached, would otherwise trust it again until its entry expires. It is checked on every hit and before storing.
 */
export class TokenValidator {
  private readonly flight = new SingleFlight<Entry>();

  constructor(
    private readonly home: { name: string; keystoneUrl: string },
    private readonly upstream: UpstreamClient,
    private readonly cache: Cache<Entry>,
    private readonly ttl: Config['cache'],
    private readonly metrics?: Metrics,
    private readonly now: () => number = Date.now,
    readonly minted?: MintedTokens,
  ) {}

  /** Each project's provider choice (set once at boot by app.ts); without it every provider is used. */
  choices?: ProjectChoices;

  async validate(token: string | undefined): Promise<TokenInfo> {
    if (!token) throw new Unauthorized();
    const key = tokenDigest(token);
    if (this.cache.get(tombstoneKey(key))) {
      this.metrics?.cacheLookups.inc({ cache: 'token', result: 'negative_hit' });
      throw new Unauthorized();
    }
    const cached = this.cache.get(key);
    if (cached) {
      this.metrics?.cacheLookups.inc({ cache: 'token', result: cached.ok ? 'hit' : 'negative_hit' });
      if (cached.ok && cached.info.expiresAt > this.now()) return cached.info;
      if (!cached.ok) throw new Unauthorized();
    }
    this.metrics?.cacheLookups.inc({ cache: 'token', result: 'miss' });
    // Another instance's verdict first (state.backend redis), then the home Keystone.
    const entry = await this.flight.run(key, async () => (await this.fromShared(key)) ?? this.fetch(token, key));
    // Revoked while this validation was in flight: the answer predates the revocation.
    if (!entry.ok || this.cache.get(tombstoneKey(key))) throw new Unauthorized();
    return entry.info;
  }

  /** Forget a token's validation (a call at home answered 401): the next use asks Keystone again. */
  forget(token: string): void {
    this.cache.delete(tokenDigest(token));
  }

  /**
   * The token was revoked at the home Keystone: forget it, and refuse it from now on even if a validation in flight
   * (here or at another instance) comes back "valid". Returns what was known about it, so the caller can drop what
   * was derived from it (provider sessions).
   */
  revoked(token: string): TokenInfo | undefined {
    const key = tokenDigest(token);
    const cached = this.cache.get(key);
    this.cache.set(tombstoneKey(key), { ok: false }, Math.max(this.ttl.tokenTtlMs, this.ttl.negativeTtlMs));
    this.cache.delete(key);
    return cached?.ok ? cached.info : undefined;
  }

  /** Remember a token whose body the proxy has just seen from Keystone (a login), saving a validation. */
  remember(token: string, info: TokenInfo): void {
    this.store(tokenDigest(token), { ok: true, info });
  }

  private async fromShared(key: string): Promise<Entry | undefined> {
    const shared = await this.cache.fetchShared?.(key);
    if (!shared || (shared.ok && shared.info.expiresAt <= this.now())) return undefined;
    if (shared.ok && (await this.tombstoned(key))) {
      this.cache.delete(key);
      return { ok: false };
    }
    return shared;
  }

  /** A tombstone here, or (shared level) one another instance wrote; the shared read happens only on misses. */
  private async tombstoned(key: string): Promise<boolean> {
    const tomb = tombstoneKey(key);
    return this.cache.get(tomb) !== undefined || (await this.cache.fetchShared?.(tomb)) !== undefined;
  }

  private async fetch(token: string, key: string): Promise<Entry> {
    const res = await this.upstream.send({
      provider: this.home.name,
      service: 'identity',
      method: 'GET',
      url: `${this.home.keystoneUrl}/v3/auth/tokens`,
      headers: { 'x-auth-token': token, 'x-subject-token': token, accept: 'application/json' },
    });
    if (res.status === 200) {
      const info = parseTokenBody(await res.json());
      if (info) {
        this.metrics?.tokenValidations.inc({ result: 'valid' });
        const entry: Entry = { ok: true, info };
        if (await this.tombstoned(key)) return { ok: false };
        this.store(key, entry);
        return entry;
      }
    } else {
      res.body.resume();
    }
    if (res.status >= 500) {
      // A Keystone failure is not a verdict on the token: do not cache it.
      this.metrics?.tokenValidations.inc({ result: 'error' });
      throw new ProviderUnavailable(this.home.name, `identity service answered ${res.status}`);
    }
    this.metrics?.tokenValidations.inc({ result: 'invalid' });
    const entry: Entry = { ok: false };
    this.cache.set(key, entry, this.ttl.negativeTtlMs);
    return entry;
  }

  private store(key: string, entry: Entry): void {
    if (!entry.ok || this.cache.get(tombstoneKey(key))) return;
    const ttl = Math.min(entry.info.expiresAt - this.now(), this.ttl.tokenTtlMs);
    this.cache.set(key, entry, ttl);
  }
}

export type TokenCacheEntry = Entry;

function tombstoneKey(digest: string): string {
  return `revoked|${digest}`;
}
