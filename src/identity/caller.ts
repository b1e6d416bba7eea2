import type { IncomingHttpHeaders } from 'node:http';
import { Unauthorized } from '../errors/errors';
import type { TokenInfo } from './token-info';
import type { ProviderTokenCallbacks } from './provider-token-callbacks';
import type { TokenValidator } from './token-validator';

/** The request principal: who is calling, with which home token, and which providers it may use. */
export interface Caller {
  token: string;
  info: TokenInfo;
  /** Set when the caller presented a provider token the proxy minted: that provider's project id for the caller. */
  projectAlias?: string;
  /** The providers the caller's home project chose (its `ocx-providers:` tag, docs/exchange.md); absent: all. */
  providers?: readonly string[];
}

/** Whether a route accepts a provider token presented back to the proxy, and who checks it. */
export interface CallbackPolicy {
  callbacks: ProviderTokenCallbacks;
  /** The call is one a provider's Nova needs for mix and match (decided by the front from method, path, body). */
  allowed: () => boolean | Promise<boolean>;
}

/**
 * The authenticated caller of a request: its X-Auth-Token, validated at the home Keystone (cached). A provider
 * token the proxy minted is refused unless the route passes a callback policy that admits it
 * (provider-token-callbacks.ts); then it stands for the home token it was made for.
 */
export async function authenticate(
  headers: IncomingHttpHeaders,
  validator: TokenValidator,
  policy?: CallbackPolicy,
): Promise<Caller> {
  const raw = headers['x-auth-token'];
  const presented = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  // The shared level is asked only where a provider token may stand for its home token (a callback route).
  const minted = !presented
    ? undefined
    : policy
      ? await validator.minted?.lookupShared(presented)
      : validator.minted?.lookup(presented);
  if (minted && presented) {
    // Without a policy the route never takes provider tokens: the home Keystone would not know this one either.
    if (!policy) throw new Unauthorized();
    await policy.callbacks.admit(presented, minted, await policy.allowed());
  }
  const token = minted?.homeToken ?? presented;
  const info = await validator.validate(token);
  // The project's provider choice: provider-sessions.ts refuses every other provider for this caller.
  const providers = await validator.choices?.chosen({ token: token as string, info });
  return { token: token as string, info, projectAlias: minted?.providerProjectId, providers };
}
