import { clientHeaders } from '../../../../src/services/object-store/response-headers';
import { forwardableHeaders } from '../../../../src/services/object-store/swift-client';

const view = {
  provider: 'bu',
  providerBase: 'http://10.0.0.9:8080/v1/AUTH_bu1',
  proxyBase: 'http://proxy:8080/object-store/v1/AUTH_home1',
};

describe('clientHeaders: no provider URL or account reaches the client', () => {
  it('rewrites URLs, paths and account names, names the provider', () => {
    const out = clientHeaders(
      {
        location: 'http://10.0.0.9:8080/v1/AUTH_bu1/c/o',
        'content-location': '/v1/AUTH_bu1/c/target',
        'x-symlink-target-account': 'AUTH_bu1',
        'x-copied-from-account': 'AUTH_bu1',
        connection: 'keep-alive, x-secret',
        'x-secret': 'hop',
        'transfer-encoding': 'chunked',
        'x-object-meta-a': 'b',
        'x-openstack-request-id': 'tx-provider',
      },
      view,
      'req-1',
    );
    expect(out).toEqual({
      location: 'http://proxy:8080/object-store/v1/AUTH_home1/c/o',
      'content-location': '/object-store/v1/AUTH_home1/c/target',
      'x-symlink-target-account': 'AUTH_home1',
      'x-copied-from-account': 'AUTH_home1',
      'x-object-meta-a': 'b',
      'x-ocx-provider': 'bu',
      'x-openstack-request-id': 'req-1',
    });
  });
});

describe('forwardableHeaders: the client credentials never reach a provider', () => {
  it('drops tokens and hop-by-hop headers, keeps Swift headers', () => {
    const out = forwardableHeaders({
      'x-auth-token': 'home-token',
      'x-storage-token': 'home-token',
      'x-service-token': 'svc',
      authorization: 'Basic x',
      cookie: 'a=b',
      'x-ocx-provider': 'bu',
      host: 'proxy',
      connection: 'close',
      'content-length': '12',
      range: 'bytes=0-1',
      'if-none-match': '*',
      'x-delete-after': '60',
      'x-object-meta-k': 'v',
    });
    expect(out).toEqual({
      'content-length': '12',
      range: 'bytes=0-1',
      'if-none-match': '*',
      'x-delete-after': '60',
      'x-object-meta-k': 'v',
    });
  });
});
