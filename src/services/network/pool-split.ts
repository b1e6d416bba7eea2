import { BadRequest } from '../../errors/errors';

/**
 * One subnet across the twins of a spanning network (docs/networking.md): the same CIDR and gateway at every
 * provider, and each provider its own slice of the addresses as allocation pools, so that two ports on either side
 * never get the same address. Pure; IPv4.
 */
export interface Pool {
  start: string;
  end: string;
}

export function ipToInt(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) {
    throw new BadRequest(`Invalid IPv4 address ${ip}`);
  }
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** First and last address of a CIDR (network and broadcast). */
export function cidrRange(cidr: string): { first: number; last: number } {
  const [ip, bits] = cidr.split('/');
  const prefix = Number(bits);
  if (ip === undefined || !/^\d{1,2}$/.test(bits ?? '') || prefix > 32) throw new BadRequest(`Invalid CIDR ${cidr}`);
  const size = 2 ** (32 - prefix);
  const first = Math.floor(ipToInt(ip) / size) * size;
  return { first, last: first + size - 1 };
}

/**
 * The usable addresses of `cidr` (without network, broadcast and gateway, as Neutron's default pools) split into
 * `parts` contiguous, disjoint slices of near-equal size, in order; slice i is provider i's pools (one or two
 * ranges: the gateway may cut a slice). Fewer usable addresses than parts is a 400.
 */
export function splitPools(cidr: string, gateway: string | null, parts: number): Pool[][] {
  const { first, last } = cidrRange(cidr);
  // /31 and /32 have no network or broadcast address to leave out (RFC 3021), as in Neutron.
  const lo = last - first >= 2 ? first + 1 : first;
  const hi = last - first >= 2 ? last - 1 : last;
  const gw = gateway === null ? undefined : ipToInt(gateway);
  if (gw !== undefined && (gw < first || gw > last)) throw new BadRequest(`Gateway ${gateway} is not in ${cidr}`);
  const usable = hi - lo + 1 - (gw !== undefined && gw >= lo && gw <= hi ? 1 : 0);
  if (parts < 1 || usable < parts) {
    throw new BadRequest(`${cidr} has ${usable} usable addresses: too few to give each of ${parts} providers a pool`);
  }
  const out: Pool[][] = [];
  let next = lo;
  for (let i = 0; i < parts; i++) {
    let want = Math.floor(usable / parts) + (i < usable % parts ? 1 : 0);
    const pools: Pool[] = [];
    let start: number | undefined;
    while (want > 0) {
      if (next === gw) {
        if (start !== undefined) pools.push({ start: intToIp(start), end: intToIp(next - 1) });
        start = undefined;
        next++;
        continue;
      }
      start ??= next;
      next++;
      want--;
    }
    if (start !== undefined) pools.push({ start: intToIp(start), end: intToIp(next - 1) });
    // Skip a gateway right after the slice, so the next one starts on a usable address.
    if (next === gw) next++;
    out.push(pools);
  }
  return out;
}
