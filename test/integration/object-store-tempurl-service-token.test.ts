import request from 'supertest';
import { passwordAuth } from '../support/harness';
import { startSwiftHarness, type SwiftHarness } from './object-store-support';

// `SERVICE_` reseller-prefix accounts (keystoneauth: the user's token plus a service token) through the proxy:
// sent to home with the caller's home token and the client's X-Service-Token, which no other provider receives.

let s: SwiftHarness;
let service: string;
let serviceRoot: string;
beforeAll(async () => {
  s = await startSwiftHarness(['home', 'bu-keystone']);
  const login = await request(s.h.server)
    .post('/identity/v3/auth/tokens')
    .send(passwordAuth('admin', 'admin-secret', 'admin'));
  service = login.headers['x-subject-token'] as string;
  serviceRoot = `/v1/SERVICE_${s.account.split('/AUTH_')[1] as string}`;
});
afterAll(() => s.close());

function serviceTokensSeen(provider: string): unknown[] {
  return s
    .swiftAt(provider)
    .requests.map((r) => r.headers['x-service-token'])
    .filter((v) => v !== undefined);
}

describe('SERVICE_ accounts with a service token', () => {
  it('the user’s token alone is refused by home’s Swift', async () => {
    expect((await s.req('PUT', `${serviceRoot}/svc`)).status).toBe(403);
  });

  it('the user’s token plus X-Service-Token reaches the service account at home', async () => {
    const put = await s.req('PUT', `${serviceRoot}/svc`).set('x-service-token', service);
    expect(put.status).toBe(201);
    expect(put.headers['x-ocx-provider']).toBe('home');
    const obj = await s
      .req('PUT', `${serviceRoot}/svc/o`)
      .set('x-service-token', service)
      .set('content-type', 'text/plain')
      .send('service data');
    expect(obj.status).toBe(201);
    const got = await s.req('GET', `${serviceRoot}/svc/o`).set('x-service-token', service);
    expect(got.text).toBe('service data');
    const home = s.swiftAt('home').accounts.get(`SERVICE_${s.projectAt('home')}`);
    expect([...(home?.containers.keys() ?? [])]).toEqual(['svc']);
    expect(serviceTokensSeen('home')).toContain(service);
  });

  it('a service token sent with the user’s own account never leaves the proxy, and never reaches another provider', async () => {
    const before = serviceTokensSeen('home').length;
    expect(
      (await s.req('HEAD', '/v1/AUTH_' + s.account.split('/AUTH_')[1]).set('x-service-token', service)).status,
    ).toBe(204);
    expect(
      (
        await s
          .req('PUT', `/v1/AUTH_${s.account.split('/AUTH_')[1] as string}/x@bu-keystone`)
          .set('x-service-token', service)
      ).status,
    ).toBe(201);
    expect(serviceTokensSeen('home')).toHaveLength(before);
    expect(serviceTokensSeen('bu-keystone')).toEqual([]);
  });
});
