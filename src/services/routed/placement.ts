import { choosePlacement } from '../../location/placement';

/**
 * Where a new server, volume, snapshot or image goes (DESIGN.md "Naming a provider"): the provider named by
 * `@provider` in the new resource's name, else the availability zone when it equals a provider name, else the
 * `X-OCX-Provider` header, else the configured placement policy (default: home). Pure.
 */
export interface PlacementInput {
  /** Provider parsed from `name@provider`. */
  nameProvider?: string;
  /** The availability zone the client asked for, if any. */
  availabilityZone?: string;
  /** Provider named by `X-OCX-Provider`. */
  headerProvider?: string;
  /** A provider implied by what the body references (snapshot, source volume): used before the policy. */
  referencedProvider?: string;
  policy: string;
  home: string;
  known: readonly string[];
}

export interface Placement {
  provider: string;
  /** True when the availability zone names a provider: it is dropped so the provider uses its default zone. */
  dropAvailabilityZone: boolean;
  reason: 'name' | 'availability_zone' | 'header' | 'reference' | 'policy';
}

export function placeCreate(input: PlacementInput): Placement {
  const az = input.availabilityZone;
  const azIsProvider = az !== undefined && input.known.includes(az);
  const dropAvailabilityZone = azIsProvider;
  if (input.nameProvider) return { provider: input.nameProvider, dropAvailabilityZone, reason: 'name' };
  if (azIsProvider) return { provider: az, dropAvailabilityZone, reason: 'availability_zone' };
  if (input.headerProvider) return { provider: input.headerProvider, dropAvailabilityZone, reason: 'header' };
  if (input.referencedProvider)
    return { provider: input.referencedProvider, dropAvailabilityZone, reason: 'reference' };
  // `least-used` gets no usage figures here (servers, volumes and images are not comparable across clouds), so
  // it places at home like the default policy; a provider name places there.
  const provider = choosePlacement({ policy: input.policy, home: input.home, providers: [] });
  return { provider: input.known.includes(provider) ? provider : input.home, dropAvailabilityZone, reason: 'policy' };
}
