/**
 * Where a new resource goes when the client did not say (DESIGN.md "Naming a provider"): the configured policy
 * `home`, `least-used` (fewest resources per unit of weight) or a provider name. Pure: usage figures are passed in.
 */
export interface PlacementProvider {
  name: string;
  weight: number;
}

export interface PlacementInput {
  policy: string;
  home: string;
  /** Providers in priority order (config order). */
  providers: readonly PlacementProvider[];
  /** Resource counts per provider, for `least-used`; providers missing here (unreachable) are not candidates. */
  usage?: ReadonlyMap<string, number>;
}

export function choosePlacement(input: PlacementInput): string {
  const { policy, home, providers } = input;
  if (policy === 'home') return home;
  if (policy !== 'least-used') return policy;
  const usage = input.usage ?? new Map<string, number>();
  let best: { name: string; score: number } | undefined;
  for (const p of providers) {
    const used = usage.get(p.name);
    if (used === undefined || p.weight <= 0) continue;
    const score = used / p.weight;
    // Strictly smaller only: ties go to the higher-priority provider (earlier in config order).
    if (!best || score < best.score) best = { name: p.name, score };
  }
  return best?.name ?? home;
}

/** True when the policy needs usage figures from the providers before it can decide. */
export function placementNeedsUsage(policy: string): boolean {
  return policy === 'least-used';
}

/**
 * Where a new item of a resource that several providers hold goes (a Swift union container's new object): the
 * provider the policy names (home, or a provider name) if it is a holder, else the highest-priority holder.
 * `holders` is in priority order and not empty.
 */
export function placeAmongHolders(policy: string, home: string, holders: readonly string[]): string {
  const preferred = policy === 'home' ? home : policy;
  return holders.includes(preferred) ? preferred : (holders[0] as string);
}
