import { sumLimitsDocs, sumQuotaSetDocs } from '../../../src/services/exchange/quota-sum';

describe('sumLimitsDocs', () => {
  it('sums totals and usage; -1 anywhere stays -1; per-item limits take the smallest; rate is dropped', () => {
    const a = {
      limits: {
        rate: [{ x: 1 }],
        absolute: { maxTotalInstances: 10, totalInstancesUsed: 2, maxTotalFloatingIps: -1, maxServerMeta: 128 },
      },
    };
    const b = {
      limits: {
        rate: [],
        absolute: { maxTotalInstances: 5, totalInstancesUsed: 1, maxTotalFloatingIps: 10, maxServerMeta: 64 },
      },
    };
    expect(sumLimitsDocs([a, b])).toEqual({
      limits: {
        rate: [],
        absolute: { maxTotalInstances: 15, totalInstancesUsed: 3, maxTotalFloatingIps: -1, maxServerMeta: 64 },
      },
    });
  });

  it('a per-item limit unlimited everywhere stays unlimited; unlimited at one provider leaves the other bound', () => {
    const one = (v: number) => ({ limits: { absolute: { maxPersonality: v } } });
    expect(sumLimitsDocs([one(-1), one(-1)]).limits.absolute).toEqual({ maxPersonality: -1 });
    expect(sumLimitsDocs([one(-1), one(5)]).limits.absolute).toEqual({ maxPersonality: 5 });
  });

  it('a key only one provider reports is that provider’s figure', () => {
    const a = { limits: { absolute: { maxTotalBackups: 10 } } };
    const b = { limits: { absolute: {} } };
    expect(sumLimitsDocs([a, b]).limits.absolute).toEqual({ maxTotalBackups: 10 });
  });
});

describe('sumQuotaSetDocs', () => {
  it('sums plain and detailed quota sets, and names the client’s project', () => {
    const plain = (cores: number) => ({ quota_set: { id: 'provider-project', cores, metadata_items: 128 } });
    expect(sumQuotaSetDocs([plain(20), plain(-1)], 'home-project')).toEqual({
      quota_set: { id: 'home-project', cores: -1, metadata_items: 128 },
    });
    const detail = (limit: number, inUse: number) => ({
      quota_set: {
        id: 'p',
        gigabytes: { limit, in_use: inUse, reserved: 0 },
        per_volume_gigabytes: { limit: -1, in_use: 0, reserved: 0 },
      },
    });
    expect(sumQuotaSetDocs([detail(1000, 5), detail(500, 7)], 'h').quota_set).toEqual({
      id: 'h',
      gigabytes: { limit: 1500, in_use: 12, reserved: 0 },
      per_volume_gigabytes: { limit: -1, in_use: 0, reserved: 0 },
    });
  });
});
