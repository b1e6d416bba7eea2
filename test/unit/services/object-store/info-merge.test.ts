import { infoUrls } from '../../../../src/services/object-store/info';
import { mergeInfo } from '../../../../src/services/object-store/info-merge';
import type { ProviderConfig } from '../../../../src/config/types';

describe('mergeInfo: what every provider supports', () => {
  const a = {
    swift: {
      version: '2.30.1',
      max_file_size: 5368709122,
      container_listing_limit: 10000,
      allow_account_management: false,
      strict_cors_mode: false,
      policies: [{ name: 'gold' }, { name: 'Policy-0' }],
    },
    slo: { max_manifest_segments: 1000, min_segment_size: 1, yield_frequency: 10 },
    symlink: { symloop_max: 2 },
    tempurl: { methods: ['GET'] },
    bulk_delete: { max_deletes_per_request: 10000 },
    container_sync: { realms: {} },
  };
  const b = {
    swift: {
      version: '2.25.0',
      max_file_size: 1073741824,
      container_listing_limit: 5000,
      allow_account_management: true,
      strict_cors_mode: true,
      policies: [{ name: 'Policy-0' }],
    },
    slo: { max_manifest_segments: 500, min_segment_size: 1048576 },
    tempurl: { methods: ['GET', 'PUT'] },
    bulk_delete: { max_deletes_per_request: 1000 },
  };

  it('keeps common capabilities with the most restrictive limits', () => {
    expect(mergeInfo([a, b])).toEqual({
      swift: {
        version: '2.30.1',
        max_file_size: 1073741824,
        container_listing_limit: 5000,
        allow_account_management: false,
        strict_cors_mode: true,
        policies: [{ name: 'Policy-0' }],
      },
      slo: { max_manifest_segments: 500, min_segment_size: 1048576 },
      tempurl: { methods: ['GET'] },
      bulk_delete: { max_deletes_per_request: 1000 },
    });
  });

  it('drops what cannot work through the proxy and does not modify its inputs', () => {
    const frozen = Object.freeze({ ...a });
    const merged = mergeInfo([frozen]);
    expect(merged['container_sync']).toBeUndefined();
    // The proxy checks signed URLs itself (tempurl.ts).
    expect(merged['tempurl']).toEqual({ methods: ['GET'] });
    expect(merged['symlink']).toEqual({ symloop_max: 2 });
    expect(mergeInfo([])).toEqual({});
  });
});

describe('infoUrls: Swift serves /info at the root of its storage URL', () => {
  const provider = (p: Partial<ProviderConfig>): ProviderConfig => ({
    name: 'x',
    spId: 'x',
    priority: 1,
    providerTokenCallbacks: false,
    weight: 1,
    endpoints: {},
    projectMap: {},
    ...p,
  });

  it.each([
    [
      provider({ endpoints: { 'object-store': 'http://h:8081/v1/AUTH_{project_id}' } }),
      undefined,
      ['http://h:8081/info'],
    ],
    [provider({}), 'http://h/object-store/v1/AUTH_p', ['http://h/object-store/info', 'http://h/info']],
    [
      provider({
        objectStore: {
          auth: 'tempauth',
          authUrl: 'http://h:8083/auth/v1.0',
          accounts: { p: { user: 'a:u', key: 'k' } },
        },
      }),
      undefined,
      ['http://h:8083/info'],
    ],
    [provider({}), undefined, []],
  ])('%#', (p, learned, expected) => {
    expect(infoUrls(p, learned)).toEqual(expected);
  });
});
