import type { Request } from 'express';
import type { RequestContext } from '../../http/context';
import type { Caller } from '../../identity/caller';
import {
  place,
  placementFigures,
  placementPolicy,
  type Placement,
  type PlacementInput,
} from '../../location/placement';
import type { Front } from '../front-engine/front';
import { getFromEach } from './provider-json';

/**
 * Where a Nova, Cinder or Glance create goes: location/placement.ts with the policy configured for the front's
 * service (placement.services, else placement.policy) among the providers the caller's project chose. The
 * providers are asked for prices (`cheapest`) or quota left (`most-headroom`) only when nothing else
 * (name@provider, zone, header, source) already placed the create; `least-used` has no figures here (servers,
 * volumes and images are not comparable across clouds) and places at home.
 */
export async function placeWithPolicy(
  front: Front,
  req: Request,
  ctx: RequestContext,
  caller: Caller,
  body: unknown,
  input: Omit<PlacementInput, 'policy' | 'providers' | 'usage' | 'prices' | 'headroom'>,
): Promise<Placement> {
  const { config } = front.deps;
  const policy = placementPolicy(config.placement, front.service);
  const candidates = front.client.providers.filter((p) => !caller.providers || caller.providers.includes(p));
  const providers = config.providers.filter((p) => candidates.includes(p.name));
  const decided = place({ ...input, policy, providers });
  const figures = placementFigures(policy);
  if (decided.reason !== 'policy' || figures === undefined || figures === 'usage') return decided;
  if (figures === 'prices') {
    return place({ ...input, policy, providers, prices: await pricesFor(front, req, ctx, caller, candidates, body) });
  }
  return place({ ...input, policy, providers, headroom: await headroomFor(front, req, ctx, caller, candidates) });
}

/** Volumes and images by their GiB-month price; servers by the hourly price of the flavor asked for. */
async function pricesFor(
  front: Front,
  req: Request,
  ctx: RequestContext,
  caller: Caller,
  candidates: readonly string[],
  body: unknown,
): Promise<Map<string, number>> {
  const offers = new Map(front.deps.config.providers.map((p) => [p.name, p.offer]));
  const prices = new Map<string, number>();
  if (front.service !== 'compute') {
    for (const name of candidates) {
      const sheet = offers.get(name)?.prices;
      const price =
        front.service === 'volume'
          ? sheet?.volumeGibMonth
          : front.service === 'image'
            ? sheet?.imageGibMonth
            : undefined;
      if (price !== undefined) prices.set(name, price);
    }
    return prices;
  }
  const flavorRef = (body as { server?: { flavorRef?: unknown } } | undefined)?.server?.flavorRef;
  if (typeof flavorRef !== 'string' || flavorRef === '') return prices;
  // Flavor ids are per cloud: a provider that does not know this one could not boot it and is no candidate.
  const id = flavorRef.split('/').pop() as string;
  const found = await getFromEach(front.client, req, ctx, caller, candidates, {
    segments: ['flavors', id],
    clientHeaders: false,
  });
  for (const r of found.ok) {
    const name = (r.value as { flavor?: { name?: unknown } }).flavor?.name;
    const price = typeof name === 'string' ? offers.get(r.provider)?.prices.flavorHour[name] : undefined;
    if (price !== undefined) prices.set(r.provider, price);
  }
  return prices;
}

/** Quota left: instances for servers, GiB for volumes (Glance keeps no per-project quota here). */
async function headroomFor(
  front: Front,
  req: Request,
  ctx: RequestContext,
  caller: Caller,
  candidates: readonly string[],
): Promise<Map<string, number>> {
  const headroom = new Map<string, number>();
  if (front.service !== 'compute' && front.service !== 'volume') return headroom;
  const [max, used] =
    front.service === 'compute'
      ? ['maxTotalInstances', 'totalInstancesUsed']
      : ['maxTotalVolumeGigabytes', 'totalGigabytesUsed'];
  const result = await getFromEach(front.client, req, ctx, caller, candidates, {
    segments: ['limits'],
    clientHeaders: false,
  });
  for (const r of result.ok) {
    const absolute = (r.value as { limits?: { absolute?: Record<string, unknown> } }).limits?.absolute ?? {};
    const limit = Number(absolute[max]);
    const inUse = Number(absolute[used] ?? 0);
    if (!Number.isFinite(limit)) continue;
    headroom.set(r.provider, limit < 0 ? Infinity : limit - inUse);
  }
  return headroom;
}
