import { duplicateNames, mergedAccountHeaders } from '../../../../src/services/object-store/account-headers';
import { sumHeaders } from '../../../../src/services/object-store/counters';
import type { ProviderPage } from '../../../../src/services/object-store/listing-fetch';

const page = (provider: string, headers: Record<string, string>, names: string[]): ProviderPage => ({
  provider,
  priority: 1,
  status: 200,
  complete: true,
  headers,
  rows: names.map((name) => ({ name, count: 1, bytes: 1 })),
});

describe('merged account headers', () => {
  const home = page(
    'home',
    {
      'x-account-container-count': '2',
      'x-account-object-count': '10',
      'x-account-bytes-used': '9007199254740993',
      'x-account-meta-color': 'blue',
      'content-length': '99',
      'x-account-storage-policy-gold-object-count': '4',
    },
    ['a', 'photos'],
  );
  const bu = page(
    'bu',
    {
      'x-account-container-count': '3',
      'x-account-object-count': '5',
      'x-account-bytes-used': '7',
      'x-account-meta-color': 'red',
      'x-account-storage-policy-gold-object-count': '1',
    },
    ['b', 'photos', 'z'],
  );

  it('sums objects and bytes (beyond 2^53), counts same-name containers once, metadata from the first', () => {
    expect(mergedAccountHeaders([home, bu])).toEqual({
      'x-account-container-count': '4',
      'x-account-object-count': '15',
      'x-account-bytes-used': '9007199254741000',
      'x-account-meta-color': 'blue',
      'x-account-storage-policy-gold-object-count': '5',
    });
  });

  it('duplicateNames', () => {
    expect(duplicateNames([home, bu, page('nu', {}, ['photos', 'a'])])).toBe(3);
  });

  it('sumHeaders treats a missing or odd counter as 0', () => {
    expect(sumHeaders([{ 'x-n': '2' }, { 'x-n': 'abc' }, {}], /^x-n$/)).toEqual({ 'x-n': '2' });
  });
});
