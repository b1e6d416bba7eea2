import type { Cache } from '../state/cache';
import { tokenDigest } from '../state/token-key';

/**
 * Provider tokens the proxy obtained by K2K, mapped back to the home token they were made for (by digest).
 * A provider's own service (NU's Nova using the proxy's Cinder for a BU volume) may present such a token back to
 * the proxy; provider-token-callbacks.ts decides whether and for which calls it then stands for the (user, home
 * project) it was issued for — never anyone else. Kept in the shared level when there is one (Redis, or the
 * supervisor of `--workers N`), since the provider's call back may reach another replica or worker.
 */
export interface MintedToken {
  homeToken: string;
  /** The provider the token was obtained from: the only one whose word on it counts. */
  provider: string;
  /** The provider project the token is scoped to: in that provider's URLs it stands for the home project. */
  providerProjectId?: string;
}

export class MintedTokens {
  constructor(private readonly cache: Cache<MintedToken>) {}

  remember(providerToken: string, minted: MintedToken, ttlMs: number): void {
    this.cache.set(tokenDigest(providerToken), minted, ttlMs);
  }

  lookup(token: string): MintedToken | undefined {
    return this.cache.get(tokenDigest(token));
  }

  /** Locally, else in the shared level (one round trip): only for the calls that admit provider tokens at all. */
  async lookupShared(token: string): Promise<MintedToken | undefined> {
    const key = tokenDigest(token);
    return this.cache.get(key) ?? (await this.cache.fetchShared?.(key));
  }

  forget(providerToken: string): void {
    this.cache.delete(tokenDigest(providerToken));
  }
}
