import type { Offer } from '../../../src/config/types';
import { estimateMonthlyCost, HOURS_PER_MONTH } from '../../../src/services/exchange/cost';
import { emptyUsage } from '../../../src/services/exchange/usage';

const offer: Offer = {
  displayName: 'x',
  description: '',
  currency: 'EUR',
  prices: { volumeGibMonth: 0.1, objectGibMonth: 0.02, imageGibMonth: 0.05, flavorHour: { 'm1.small': 0.02 } },
  sla: {},
};

describe('estimateMonthlyCost', () => {
  it('prices servers by the hour for a month and storage by the GiB-month', () => {
    const usage = { ...emptyUsage(), serversByFlavor: { 'm1.small': 2 }, volumeGib: 30, objectGib: 10, imageGib: 2 };
    const cost = estimateMonthlyCost(usage, offer);
    expect(cost?.breakdown).toEqual({ servers: 2 * 0.02 * HOURS_PER_MONTH, volumes: 3, objects: 0.2, images: 0.1 });
    expect(cost?.monthly).toBeCloseTo(29.2 + 3.3, 2);
    expect(cost?.currency).toBe('EUR');
    expect(cost?.unpriced).toEqual([]);
  });

  it('names what the sheet does not price and counts it as 0', () => {
    const sheet: Offer = { ...offer, prices: { flavorHour: {} } };
    const cost = estimateMonthlyCost({ ...emptyUsage(), serversByFlavor: { big: 1 }, volumeGib: 5 }, sheet);
    expect(cost?.monthly).toBe(0);
    expect(cost?.unpriced).toEqual(['flavor big', 'volume storage']);
  });

  it('nothing held costs nothing; no offer, no estimate', () => {
    expect(estimateMonthlyCost(emptyUsage(), offer)?.monthly).toBe(0);
    expect(estimateMonthlyCost(emptyUsage(), undefined)).toBeUndefined();
  });
});
