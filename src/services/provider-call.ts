import type { Caller, ProviderSession, ProviderSessions } from '../identity/provider-sessions';
import type { TokenValidator } from '../identity/token-validator';
import type { UpstreamResponse } from '../upstream/client';

/**
 * Call a provider with the caller's session there. A 401 from a provider token means it was revoked or expired
 * early: drop it and redo the exchange once (issue 3). `replayable` is false when the request body was streamed
 * and cannot be sent twice. A 401 at home means the home token no longer validates: forget it.
 */
export async function callWithSession(
  deps: { sessions: ProviderSessions; validator: TokenValidator },
  caller: Caller,
  provider: string,
  call: (session: ProviderSession) => Promise<UpstreamResponse>,
  replayable = true,
): Promise<{ session: ProviderSession; response: UpstreamResponse }> {
  const session = await deps.sessions.get(caller, provider);
  const response = await call(session);
  if (response.status !== 401) return { session, response };
  if (session.kind === 'home') {
    deps.validator.forget(caller.token);
    return { session, response };
  }
  deps.sessions.invalidate(caller, provider);
  if (!replayable) return { session, response };
  response.body.resume();
  const fresh = await deps.sessions.get(caller, provider);
  return { session: fresh, response: await call(fresh) };
}
