/**
 * The exchange-wide pool of L2 segments for spanning networks (docs/networking.md): VLAN ids on one physical
 * network shared by the providers' racks, or VXLAN VNIs. A segment in use is one a twin at any provider carries
 * (found from the providers themselves: their twins are tagged); one reserved is held by a create in flight in this
 * process. The providers' own uniqueness check (Neutron refuses a second network with a VLAN already in use on a
 * physical network) settles races between proxy instances: a refused segment is marked in use and the next one
 * tried. Pure apart from the in-process reservations.
 */
export interface SegmentRange {
  min: number;
  max: number;
}

/** The lowest segment of `range` neither used nor reserved; undefined when the pool is exhausted. */
export function pickSegment(
  range: SegmentRange,
  used: ReadonlySet<number>,
  reserved: ReadonlySet<number>,
): number | undefined {
  for (let s = range.min; s <= range.max; s++) if (!used.has(s) && !reserved.has(s)) return s;
  return undefined;
}

/** Segments held by creates in flight: two concurrent creates never get the same one. */
export class SegmentReservations {
  private readonly held = new Set<number>();

  /** Reserves the lowest free segment (synchronously, so no other create can pick it); undefined: exhausted. */
  reserve(range: SegmentRange, used: ReadonlySet<number>): { segment: number; release: () => void } | undefined {
    const segment = pickSegment(range, used, this.held);
    if (segment === undefined) return undefined;
    this.held.add(segment);
    let released = false;
    return {
      segment,
      release: () => {
        if (released) return;
        released = true;
        this.held.delete(segment);
      },
    };
  }

  get size(): number {
    return this.held.size;
  }
}

/** The tag a twin carries so the proxy finds its others at the providers themselves: `ocx-span:<physnet>:<segment>`. */
export function spanTag(physicalNetwork: string, segment: number): string {
  return `ocx-span:${physicalNetwork}:${segment}`;
}

/** The segment a twin's tags name, if it is one. */
export function segmentOfTags(tags: readonly unknown[], physicalNetwork: string): number | undefined {
  const prefix = `ocx-span:${physicalNetwork}:`;
  for (const t of tags) {
    if (typeof t === 'string' && t.startsWith(prefix) && /^\d+$/.test(t.slice(prefix.length))) {
      return Number(t.slice(prefix.length));
    }
  }
  return undefined;
}
