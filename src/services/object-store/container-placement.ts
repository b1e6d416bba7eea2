import { fanOut } from '../../fanout/fan-out';
import { place, placementFigures, placementPolicy } from '../../location/placement';
import { headerValue } from '../../upstream/headers';
import { discard } from './swift-client';
import type { SwiftCall } from './swift-call';

/** swiftclient and rclone keep large-object segments in `<container>_segments`. */
const SEGMENTS_SUFFIX = '_segments';

/**
 * Where a new container goes when the client named no provider (docs/contract.md "Naming a provider"): a segments
 * container goes with the container it serves (a manifest and its segments must share a provider); otherwise
 * the configured policy (location/placement.ts) with Swift's figures: containers per provider for least-used (a
 * HEAD of the account at every provider), the offers' price per GiB-month for cheapest (docs/exchange.md).
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
  const policy = placementPolicy(config.placement, 'object-store');
  const usage = new Map<string, number>();
  if (placementFigures(policy) === 'usage') {
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
  const prices = new Map<string, number>();
  const chosen = call.client.caller.providers;
  for (const p of config.providers) {
    const price = p.offer?.prices.objectGibMonth;
    if (price === undefined || unavailable.includes(p.name) || (chosen && !chosen.includes(p.name))) continue;
    prices.set(p.name, price);
  }
  const known = config.providers.map((p) => p.name);
  return place({ policy, home: config.home, known, providers: config.providers, usage, prices }).provider;
}

/**
 * A new item of a container several providers hold (a union container's object, a segments container): the
 * provider the object-store's placement policy names (home, or a provider name) when it holds the container, else the
 * highest-priority holder.
 */
export function containerPlacement(call: SwiftCall, holders: readonly string[]): string {
  const { config } = call.client.deps;
  const known = config.providers.map((p) => p.name);
  // The object-store's own policy (placement.services.object-store), as for a new container.
  const policy = placementPolicy(config.placement, 'object-store');
  return place({ policy, home: call.client.home, known, holders }).provider;
}
