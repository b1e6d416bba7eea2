/**
 * Where a new resource goes (docs/contract.md "Naming a provider"), for every front: the provider named by
 * `@provider` in the new resource's name, else the availability zone when it names a provider, else the
 * `X-OCX-Provider` header, else a provider the body references (a volume's source, a server's network), else —
 * for a Swift object or segments container — the holders of the container it goes with, else the configured policy:
 * `home`, `least-used` (fewest resources per unit of weight), `cheapest` (lowest price for the resource in the
 * providers' offers), `most-headroom` (most quota left) or a provider name. Pure: the fronts gather the figures a
 * policy needs (services/exchange/placement-policy.ts for Nova, Cinder and Glance; services/object-store/
 * container-placement.ts for Swift) and pass them in.
 */
export interface PlacementProvider {
  name: string;
  weight: number;
}

export interface PlacementInput {
  /** The configured policy (see placementPolicy). */
  policy: string;
  home: string;
  /** Every provider's name: what an availability zone can name. */
  known: readonly string[];
  /**
   * The policy's candidates in priority order (config order) with their weights: a policy naming a provider that
   * is not one of them places at home. Default: every known provider, weight 1.
   */
  providers?: readonly PlacementProvider[];
  /** Provider parsed from `name@provider`. */
  nameProvider?: string;
  /** The availability zone the client asked for, if any. */
  availabilityZone?: string;
  /** Provider named by `X-OCX-Provider`. */
  headerProvider?: string;
  /** A provider implied by what the body references (snapshot, source volume, network): used before the policy. */
  referencedProvider?: string;
  /** Holders of the container the new item goes with, in priority order (a Swift union container's new object). */
  holders?: readonly string[];
  /** `least-used`: resource counts per provider; providers missing here (unreachable) are not candidates. */
  usage?: ReadonlyMap<string, number>;
  /** `cheapest`: the price of the resource per provider; providers without a price are not candidates. */
  prices?: ReadonlyMap<string, number>;
  /** `most-headroom`: quota left per provider (Infinity when unlimited); absent providers are not candidates. */
  headroom?: ReadonlyMap<string, number>;
}

export interface Placement {
  provider: string;
  /**
   * True when the availability zone names a provider (`PROVIDER` or `PROVIDER:zone`): it is replaced by `zone`, or
   * dropped so the provider uses its default zone.
   */
  dropAvailabilityZone: boolean;
  /** The zone part of `PROVIDER:zone`, forwarded to that provider. */
  zone?: string;
  reason: 'name' | 'availability_zone' | 'header' | 'reference' | 'holders' | 'policy';
}

export function place(input: PlacementInput): Placement {
  const named = zoneAtProvider(input.availabilityZone, input.known);
  const dropAvailabilityZone = named !== undefined;
  const keep = named?.zone !== undefined ? { zone: named.zone } : {};
  const at = (provider: string, reason: Placement['reason']): Placement => ({
    provider,
    dropAvailabilityZone,
    ...keep,
    reason,
  });
  if (input.nameProvider) return at(input.nameProvider, 'name');
  if (named) return at(named.provider, 'availability_zone');
  if (input.headerProvider) return at(input.headerProvider, 'header');
  if (input.referencedProvider) return at(input.referencedProvider, 'reference');
  if (input.holders?.length) return at(amongHolders(input.policy, input.home, input.holders), 'holders');
  return at(byPolicy(input), 'policy');
}

/**
 * `PROVIDER` or `PROVIDER:zone` (how listings show where a server or volume lives): the provider and the zone to
 * forward; undefined when the zone names no provider (a provider's own zone, or Nova's admin `zone:host`).
 */
export function zoneAtProvider(
  az: string | undefined,
  known: readonly string[],
): { provider: string; zone?: string } | undefined {
  if (az === undefined) return undefined;
  if (known.includes(az)) return { provider: az };
  const i = az.indexOf(':');
  if (i <= 0 || !known.includes(az.slice(0, i))) return undefined;
  const zone = az.slice(i + 1);
  return { provider: az.slice(0, i), ...(zone ? { zone } : {}) };
}

/** The policy configured for one service: its `placement.services` entry, else `placement.policy`. */
export function placementPolicy(
  placement: { policy: string; services?: Partial<Record<string, string>> },
  service: string,
): string {
  return placement.services?.[service] ?? placement.policy;
}

/** The figures a policy needs from the providers before it can decide; undefined: none. */
export function placementFigures(policy: string): 'usage' | 'prices' | 'headroom' | undefined {
  if (policy === 'least-used') return 'usage';
  if (policy === 'cheapest') return 'prices';
  if (policy === 'most-headroom') return 'headroom';
  return undefined;
}

function byPolicy(input: PlacementInput): string {
  const { policy, home } = input;
  const providers = input.providers ?? input.known.map((name) => ({ name, weight: 1 }));
  if (policy === 'home') return home;
  if (policy === 'cheapest') return bestBy(providers, input.prices, (a, b) => a < b) ?? home;
  if (policy === 'most-headroom') return bestBy(providers, input.headroom, (a, b) => a > b) ?? home;
  if (policy === 'least-used') return leastUsed(providers, input.usage) ?? home;
  return providers.some((p) => p.name === policy) ? policy : home;
}

function leastUsed(
  providers: readonly PlacementProvider[],
  usage: ReadonlyMap<string, number> | undefined,
): string | undefined {
  let best: { name: string; score: number } | undefined;
  for (const p of providers) {
    const used = usage?.get(p.name);
    if (used === undefined || p.weight <= 0) continue;
    const score = used / p.weight;
    // Strictly smaller only: ties go to the higher-priority provider (earlier in config order).
    if (!best || score < best.score) best = { name: p.name, score };
  }
  return best?.name;
}

/** The provider whose figure beats every other's; ties go to the higher-priority provider (earlier in order). */
function bestBy(
  providers: readonly PlacementProvider[],
  figures: ReadonlyMap<string, number> | undefined,
  better: (a: number, b: number) => boolean,
): string | undefined {
  let best: { name: string; value: number } | undefined;
  for (const p of providers) {
    const value = figures?.get(p.name);
    if (value === undefined || Number.isNaN(value)) continue;
    if (!best || better(value, best.value)) best = { name: p.name, value };
  }
  return best?.name;
}

/**
 * A new item of a container several providers hold: the provider the policy names (home, or a provider name) if it
 * is a holder, else the highest-priority holder. `cheapest` and `most-headroom` have no figures per container: the
 * item stays with the container, home first.
 */
function amongHolders(policy: string, home: string, holders: readonly string[]): string {
  const preferred = policy === 'home' || policy === 'cheapest' || policy === 'most-headroom' ? home : policy;
  return holders.includes(preferred) ? preferred : (holders[0] as string);
}
