import { ProviderUnavailable } from '../../errors/errors';
import { partialHeader, type ProviderFailure } from '../../fanout/fan-out';
import type { SwiftCall } from './swift-call';

/**
 * A merged answer some providers could not contribute to (docs/contract.md "Merged listings"): answered from the others
 * with `X-OCX-Partial: a,b`, or a 503 with `strict_listings`, or when nobody answered at all.
 */
export function answerPartial(call: SwiftCall, failed: readonly ProviderFailure[], answered: number): void {
  const header = partialHeader(failed);
  if (!header) return;
  const first = failed[0] as ProviderFailure;
  if (answered === 0) throw first.error;
  if (call.client.deps.config.strictListings) {
    throw new ProviderUnavailable(header, 'did not answer and strict_listings is on', { cause: first.error });
  }
  call.res.setHeader('x-ocx-partial', header);
}
