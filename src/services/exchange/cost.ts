import type { Offer } from '../../config/types';

/** Hours in an average month (365 × 24 / 12): hourly flavor prices become monthly figures with it. */
export const HOURS_PER_MONTH = 730;

/** What one project holds at one provider (docs/exchange.md "Usage"). */
export interface ProviderUsage {
  /** Flavor name -> servers of that flavor. */
  serversByFlavor: Record<string, number>;
  volumeGib: number;
  objectGib: number;
  objectCount: number;
  imageCount: number;
  imageGib: number;
}

export interface CostEstimate {
  currency: string;
  /** The estimated total per month, in `currency`. */
  monthly: number;
  /** Per resource: servers, volumes, objects, images. */
  breakdown: { servers: number; volumes: number; objects: number; images: number };
  /** Resources held for which the price sheet names no price (counted as 0). */
  unpriced: string[];
}

const round = (n: number): number => Math.round(n * 100) / 100;

/**
 * The monthly cost of `usage` by a provider's price sheet: servers by the hour as if they ran all month, storage
 * by the GiB-month. Undefined without an offer. Pure.
 */
export function estimateMonthlyCost(usage: ProviderUsage, offer: Offer | undefined): CostEstimate | undefined {
  if (!offer) return undefined;
  const p = offer.prices;
  const unpriced: string[] = [];
  let servers = 0;
  for (const [flavor, count] of Object.entries(usage.serversByFlavor)) {
    const hourly = p.flavorHour[flavor];
    if (hourly === undefined) {
      if (count > 0) unpriced.push(`flavor ${flavor}`);
      continue;
    }
    servers += hourly * HOURS_PER_MONTH * count;
  }
  const storage = (amount: number, price: number | undefined, what: string): number => {
    if (price === undefined) {
      if (amount > 0) unpriced.push(what);
      return 0;
    }
    return amount * price;
  };
  const breakdown = {
    servers: round(servers),
    volumes: round(storage(usage.volumeGib, p.volumeGibMonth, 'volume storage')),
    objects: round(storage(usage.objectGib, p.objectGibMonth, 'object storage')),
    images: round(storage(usage.imageGib, p.imageGibMonth, 'image storage')),
  };
  const monthly = round(breakdown.servers + breakdown.volumes + breakdown.objects + breakdown.images);
  return { currency: offer.currency, monthly, breakdown, unpriced };
}
