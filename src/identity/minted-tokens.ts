import type { Cache } from '../state/cache';
import { tokenDigest } from '../state/token-key';

/**
 * Provider tokens the proxy obtained by K2K, mapped back to the home token they were made for (by digest).
 * A provider's own service (e.g. NU's Nova using the proxy's Cinder for a BU volume — Mix and Match scenario 3)
 * may present such a token to the proxy: it then acts as exactly the (user, home project) it was issued for,
 * never anyone else (DESIGN.md "Security"). Local to one proxy instance.
 */
export interface MintedToken {
  homeToken: string;
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

  forget(providerToken: string): void {
    this.cache.delete(tokenDigest(providerToken));
  }
}
