import { fanOut } from '../../fanout/fan-out';
import { choosePlacement, placementNeedsUsage } from '../../location/placement';
import { headerValue } from '../../upstream/headers';
import { containerPlacement } from './object-location';
import { discard } from './swift-client';
import type { SwiftCall } from './swift-call';

/** swiftclient and rclone keep large-object segments in `<container>_segments`. */
const SEGMENTS_SUFFIX = '_segments';

/**
 * Where a new container goes when the client named no provider (DESIGN.md "Naming a provider"): a segments
 * container goes with the container it serves (a manifest and its segments must share a provider); otherwise
 * the configured policy: home, least-used (fewest containers per weight, counted by HEAD at every provider) or a
 * provider name.
 */
export async function placeNewContainer(
  call: SwiftCall,
  name: string,
  unavailable: readonly string[],
): Promise<string> {
  if (name.endsWith(SEGMENTS_SUFFIX) && name.length > SEGMENTS_SUFFIX.length) {
    const base = name.slice(0, -SEGMENTS_SUFFIX.length);
    const holders = await call.locator.holders(call.client, { name: base });
    if (holders.providers.length > 0) return containerPlacement(call, holders.providers);
  }
  const { config } = call.client.deps;
  const policy = config.placement.policy;
  const usage = new Map<string, number>();
  if (placementNeedsUsage(policy)) {
    const asked = call.client.names.filter((n) => !unavailable.includes(n));
    const result = await fanOut(
      asked,
      async (provider, signal) => {
        const res = await call.client.send(provider, { method: 'HEAD', signal });
        discard(res);
        if (res.status >= 300) throw new Error(`HTTP ${res.status}`);
        return Number(headerValue(res.headers, 'x-account-container-count') ?? 0);
      },
      { signal: call.client.ctx.signal, deadline: call.client.ctx.deadline },
    );
    for (const r of result.ok) usage.set(r.provider, r.value);
  }
  return choosePlacement({ policy, home: config.home, providers: config.providers, usage });
}
