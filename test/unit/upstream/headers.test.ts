import {
  clientHeadersForProvider,
  providerHeadersForClient,
  stripHopByHop,
  withProxyIdentity,
} from '../../../src/upstream/headers';

describe('hop-by-hop headers', () => {
  it('drops RFC 7230 hop-by-hop headers and those named in Connection', () => {
    const out = stripHopByHop({ connection: 'keep-alive, x-secret', 'keep-alive': '5', 'x-secret': 'a', 'x-ok': 'b' });
    expect(out).toEqual({ 'x-ok': 'b' });
  });
});

describe('client headers crossing to a provider', () => {
  const hostile = {
    host: 'p',
    accept: 'application/json',
    'openstack-api-version': 'volume 3.60',
    'x-object-meta-color': 'blue',
    'x-auth-token': 't',
    'x-subject-token': 's',
    'x-storage-token': 't',
    'x-service-token': 'svc',
    authorization: 'Basic YTpi',
    cookie: 'session=1',
    'x-auth-user': 'u',
    'x-auth-key': 'k',
    'x-forwarded-for': '6.6.6.6',
    'x-forwarded-host': 'evil.example',
    'x-forwarded-proto': 'https',
    forwarded: 'for=6.6.6.6;host=evil.example',
    'x-real-ip': '6.6.6.6',
    'x-openstack-request-id': 'req-11111111-2222-3333-4444-555555555555',
    'x-ocx-provider': 'bu-keystone',
    'accept-encoding': 'gzip',
    'content-length': '12',
  };

  it('keeps API headers and drops every credential, forwarding header and proxy-only header', () => {
    expect(clientHeadersForProvider(hostile)).toEqual({
      accept: 'application/json',
      'openstack-api-version': 'volume 3.60',
      'x-object-meta-color': 'blue',
    });
  });

  it('keeps the service token only where the policy allows it (home)', () => {
    expect(clientHeadersForProvider(hostile, { serviceToken: true })['x-service-token']).toBe('svc');
    expect(clientHeadersForProvider(hostile, { keepEncoding: true })['accept-encoding']).toBe('gzip');
  });

  it('states the proxy request id and the real peer itself', () => {
    const out = withProxyIdentity(clientHeadersForProvider(hostile), { requestId: 'req-x', peer: '10.0.0.7' });
    expect(out['x-openstack-request-id']).toBe('req-x');
    expect(out['x-forwarded-for']).toBe('10.0.0.7');
  });
});

describe('provider headers reaching the client', () => {
  it("maps a provider's own request ids to the proxy's", () => {
    const out = providerHeadersForClient(
      { 'x-compute-request-id': 'req-nova', 'x-trans-id': 'txabc', 'content-type': 'application/json' },
      'req-proxy',
    );
    expect(out).toEqual({
      'x-compute-request-id': 'req-proxy',
      'x-trans-id': 'req-proxy',
      'x-openstack-request-id': 'req-proxy',
      'content-type': 'application/json',
    });
  });
});
