import type { Config, ProviderConfig } from '../config/types';
import { Forbidden, ProviderUnavailable, Unauthorized } from '../errors/errors';
import type { Cache } from '../state/cache';
import { tokenDigest } from '../state/token-key';
import type { UpstreamClient } from '../upstream/client';
import type { MintedToken, MintedTokens } from './minted-tokens';

/**
 * A provider token the proxy obtained by K2K and sent to a provider, presented back to the proxy. Mix and match
 * needs this: a provider's Nova, whose Cinder and Glance endpoints are the proxy, attaches a volume or boots an
 * image that lives elsewhere with the token it received. Anyone at that provider sees the token (its services,
 * logs and operators), and the providers do not trust each other, so such a token is a narrow capability:
 * - only when the operator enabled `provider_token_callbacks` for the provider it was made for;
 * - only for the calls the route says a provider's Nova needs (`allowed`), never Swift, identity or deletes;
 * - only while that provider's Keystone still accepts it (asked there, the answer reused for
 *   `cache.provider_token_check_ttl`); a refusal forgets the token at once.
 */
export class ProviderTokenCallbacks {
  private readonly byName: Map<string, ProviderConfig>;

  constructor(
    private readonly config: Config,
    private readonly minted: MintedTokens,
    private readonly upstream: UpstreamClient,
    private readonly checked: Cache<{ ok: true }>,
  ) {
    this.byName = new Map(config.providers.map((p) => [p.name, p]));
  }

  /** The minted entry when `token` is a provider token the proxy made, else undefined (an ordinary token). */
  lookup(token: string): MintedToken | undefined {
    return this.minted.lookup(token);
  }

  /** Throws unless this provider token may stand for its home token on this call. */
  async admit(token: string, minted: MintedToken, allowed: boolean): Promise<void> {
    const provider = this.byName.get(minted.provider);
    if (!provider?.providerTokenCallbacks || !provider.keystoneUrl) throw new Unauthorized();
    if (!allowed) throw new Forbidden('A provider token is not accepted for this call.');
    const key = tokenDigest(token);
    if (this.checked.get(key)) return;
    if (!(await this.stillValid(provider, token))) {
      this.minted.forget(token);
      throw new Unauthorized();
    }
    this.checked.set(key, { ok: true }, this.config.cache.providerTokenCheckTtlMs);
  }

  /** The provider's own Keystone on its own token (a token may always validate itself). */
  private async stillValid(provider: ProviderConfig, token: string): Promise<boolean> {
    const res = await this.upstream.send({
      provider: provider.name,
      service: 'identity',
      method: 'GET',
      url: `${provider.keystoneUrl as string}/v3/auth/tokens`,
      headers: { 'x-auth-token': token, 'x-subject-token': token, accept: 'application/json' },
    });
    res.body.resume();
    if (res.status === 200) return true;
    if (res.status >= 500) throw new ProviderUnavailable(provider.name, `identity service answered ${res.status}`);
    return false;
  }
}
