import { fanOut, type FanOutResult, type ProviderSuccess } from '../../fanout/fan-out';
import type { UpstreamResponse } from '../../upstream/client';
import { discard, type SwiftOp } from './swift-client';
import { relayFrom, type SwiftCall } from './swift-call';

/** The same call to several providers in parallel (a union container's holders); bodies left unread. */
export function sendMany(
  call: SwiftCall,
  providers: readonly string[],
  op: SwiftOp,
): Promise<FanOutResult<UpstreamResponse>> {
  return fanOut(providers, (provider, signal) => call.client.send(provider, { ...op, signal }), {
    signal: call.client.ctx.signal,
    deadline: call.client.ctx.deadline,
  });
}

/**
 * The one answer the client gets for a call made at several providers: the first success in priority order,
 * else the first answer that is not a 404 (a 409 or 401 says more), else the first 404. The others are drained.
 */
export function pickAnswer(
  answers: readonly ProviderSuccess<UpstreamResponse>[],
): ProviderSuccess<UpstreamResponse> | undefined {
  const ok = (s: number): boolean => s >= 200 && s < 300;
  return answers.find((a) => ok(a.value.status)) ?? answers.find((a) => a.value.status !== 404) ?? answers[0];
}

/** Relays the picked answer (or throws the first failure when no provider answered) and drains the rest. */
export async function relayPicked(
  call: SwiftCall,
  result: FanOutResult<UpstreamResponse>,
): Promise<ProviderSuccess<UpstreamResponse>> {
  const picked = pickAnswer(result.ok);
  for (const a of result.ok) if (a !== picked) discard(a.value);
  if (!picked) throw result.failed[0]?.error ?? new Error('no provider to ask');
  if (result.failed.length) call.res.setHeader('x-ocx-partial', result.failed.map((f) => f.provider).join(','));
  await relayFrom(call, picked.provider, picked.value);
  return picked;
}
