import type { ProviderSession, ProviderSessions } from '../identity/provider-sessions';
import type { Caller } from '../identity/caller';
import type { TokenValidator } from '../identity/token-validator';
import type { UpstreamResponse } from '../upstream/client';

/**
 * Call a provider with the caller's session there. A 401 from a provider token means it was revoked or expired
 * early: drop it and redo the exchange once. `replayable` is false when the request body was streamed
 * and cannot be sent twice. A 401 at home means the home token no longer validates: forget it, and the provider
 * sessions made from it (they would otherwise outlive it at the providers).
 */
export async function callWithSession(
  deps: { sessions: ProviderSessions; validator: TokenValidator },
  caller: Caller,
  provider: string,
  call: (session: ProviderSession) => Promise<UpstreamResponse>,
  replayable = true,
): Promise<{ session: ProviderSession; response: UpstreamResponse }> {
  const session = await sessionOrForget(deps, caller, provider);
  const response = await call(session);
  if (response.status !== 401) return { session, response };
  if (session.kind === 'home') {
    forgetHomeToken(deps, caller);
    return { session, response };
  }
  deps.sessions.invalidate(caller, provider);
  if (!replayable) return { session, response };
  response.body.resume();
  const fresh = await sessionOrForget(deps, caller, provider);
  return { session: fresh, response: await call(fresh) };
}

/** A K2K refusal with 401 means the home token itself no longer works: stop trusting its cached validation. */
async function sessionOrForget(
  deps: { sessions: ProviderSessions; validator: TokenValidator },
  caller: Caller,
  provider: string,
): Promise<ProviderSession> {
  try {
    return await deps.sessions.get(caller, provider);
  } catch (err) {
    if ((err as { status?: number }).status === 401) forgetHomeToken(deps, caller);
    throw err;
  }
}

function forgetHomeToken(deps: { sessions: ProviderSessions; validator: TokenValidator }, caller: Caller): void {
  deps.validator.forget(caller.token);
  deps.sessions.forgetToken(caller);
}
