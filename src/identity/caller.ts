import type { IncomingHttpHeaders } from 'node:http';
import type { Caller } from './provider-sessions';
import type { TokenValidator } from './token-validator';

/** The authenticated caller of a request: its X-Auth-Token, validated at the home Keystone (cached). */
export async function authenticate(headers: IncomingHttpHeaders, validator: TokenValidator): Promise<Caller> {
  const raw = headers['x-auth-token'];
  const presented = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  // A provider token the proxy minted stands for the home token it was made for (minted-tokens.ts).
  const minted = presented ? validator.minted?.lookup(presented) : undefined;
  const token = minted?.homeToken ?? presented;
  const info = await validator.validate(token);
  return { token: token as string, info, projectAlias: minted?.providerProjectId };
}
