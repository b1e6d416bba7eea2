// The full Keystone-to-Keystone exchange across two fakes, driven the way keystoneauth1's k2k.py does it:
// home token -> ECP assertion at the IdP -> Shibboleth session at the SP -> federated token -> scoped token.
import type { DemoCloud } from '../../../src/demo/demo-cloud';
import { json, login, withCloud } from './demo-helpers';
import type { TokenBody } from './demo-helpers';

let cloud: DemoCloud;
let home: string;
let sp: string;

beforeAll(async () => {
  cloud = await withCloud();
  home = `${cloud.providers.home?.baseUrl}/identity`;
  sp = cloud.providers['bu-keystone']?.baseUrl ?? '';
});
afterAll(() => cloud.stop());

function ecpRequest(token: string, spId = 'bu-keystone'): RequestInit {
  const body = {
    auth: { identity: { methods: ['token'], token: { id: token } }, scope: { service_provider: { id: spId } } },
  };
  return { ...json(body), headers: { 'content-type': 'application/json', 'x-auth-token': token } };
}

async function assertionFor(user: string, password: string, project: string): Promise<string> {
  const { token } = await login(home, user, password, project);
  const res = await fetch(`${home}/v3/auth/OS-FEDERATION/saml2/ecp`, ecpRequest(token));
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
  return res.text();
}

function presentToSp(envelope: string): Promise<Response> {
  return fetch(`${sp}/Shibboleth.sso/SAML2/ECP`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.paos+xml' },
    body: envelope,
    redirect: 'manual',
  });
}

describe('K2K exchange', () => {
  it('password at home -> ECP -> SP session cookie -> federated token -> scoped provider token', async () => {
    const idp = cloud.providers.home?.keystone;
    const spKc = cloud.providers['bu-keystone']?.keystone;
    const envelope = await assertionFor('demo', 'demo-secret', 'demo');
    expect(envelope).toContain('<soap11:Envelope');
    expect(envelope).toContain(`Destination="${sp}/Shibboleth.sso/SAML2/ECP"`);
    expect(envelope).toMatch(/<saml:Attribute Name="openstack_user"><saml:AttributeValue[^>]*>demo</);
    expect(envelope).toMatch(/<saml:Attribute Name="openstack_project"><saml:AttributeValue[^>]*>demo</);
    expect(envelope).toContain('>member</saml:AttributeValue>');
    expect(idp?.stats.ecpAssertions).toBe(1);

    const session = await presentToSp(envelope);
    expect(session.status).toBe(302);
    const cookie = session.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^_shibsession_[0-9a-f]+=_[0-9a-f]+; path=\/; HttpOnly$/);
    expect(spKc?.stats.spSessions).toBe(1);

    const authUrl = `${sp}/identity/v3/OS-FEDERATION/identity_providers/home/protocols/saml2/auth`;
    const fed = await fetch(authUrl, { headers: { cookie: cookie.split(';')[0] ?? '' } });
    expect(fed.status).toBe(201);
    const fedToken = fed.headers.get('x-subject-token') ?? '';
    const fedBody = (await fed.json()) as TokenBody;
    expect(fedBody.token.methods).toEqual(['saml2']);
    expect(fedBody.token.user.name).toBe('demo');
    expect(fedBody.token.user['OS-FEDERATION']).toMatchObject({
      identity_provider: { id: 'home' },
      protocol: { id: 'saml2' },
    });
    expect(fedBody.token.project).toBeUndefined();
    expect(spKc?.stats.federatedTokens).toBe(1);

    const projects = await fetch(`${sp}/identity/v3/auth/projects`, { headers: { 'x-auth-token': fedToken } });
    const names = ((await projects.json()) as { projects: { name: string }[] }).projects.map((p) => p.name).sort();
    expect(names).toEqual(['demo', 'shared']);

    const scope = { project: { name: 'demo', domain: { id: 'default' } } };
    const scoped = await fetch(
      `${sp}/identity/v3/auth/tokens`,
      json({ auth: { identity: { methods: ['token'], token: { id: fedToken } }, scope } }),
    );
    expect(scoped.status).toBe(201);
    const body = (await scoped.json()) as TokenBody;
    expect(body.token.project?.id).toBe(cloud.providers['bu-keystone']?.projects.demo);
    expect(body.token.methods).toEqual(['token', 'saml2']);
    expect(body.token.catalog?.find((s) => s.type === 'compute')?.endpoints[0]?.url).toBe(`${sp}/compute/v2.1`);
    const notGranted = await fetch(
      `${sp}/identity/v3/auth/tokens`,
      json({
        auth: {
          identity: { methods: ['token'], token: { id: fedToken } },
          scope: { project: { name: 'admin', domain: { id: 'default' } } },
        },
      }),
    );
    expect(notGranted.status).toBe(401);
  });

  it('rejects a reused assertion, a tampered one and a malformed body like Shibboleth (500)', async () => {
    const envelope = await assertionFor('demo2', 'demo2-secret', 'demo');
    expect((await presentToSp(envelope)).status).toBe(302);
    const replay = await presentToSp(envelope);
    expect(replay.status).toBe(500);
    expect(await replay.text()).toContain('replayed');
    const fresh = await assertionFor('other', 'other-secret', 'other');
    const tampered = fresh.replace(/>other<\/saml:AttributeValue>/, '>admin</saml:AttributeValue>');
    expect((await presentToSp(tampered)).status).toBe(500);
    expect((await presentToSp('<html>not saml</html>')).status).toBe(500);
  });

  it('federation auth without a session cookie is a 500 from the web server', async () => {
    const res = await fetch(`${sp}/identity/v3/OS-FEDERATION/identity_providers/home/protocols/saml2/auth`);
    expect(res.status).toBe(500);
  });

  it('ECP needs a project-scoped token (403) and a known service provider (404)', async () => {
    const unscoped = await login(home, 'demo', 'demo-secret');
    expect((await fetch(`${home}/v3/auth/OS-FEDERATION/saml2/ecp`, ecpRequest(unscoped.token))).status).toBe(403);
    const scoped = await login(home, 'demo', 'demo-secret', 'demo');
    const res = await fetch(`${home}/v3/auth/OS-FEDERATION/saml2/ecp`, ecpRequest(scoped.token, 'nope'));
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(404);
    expect((await fetch(`${home}/v3/auth/OS-FEDERATION/saml2/ecp`, ecpRequest('bogus'))).status).toBe(401);
  });

  it('setDown makes the provider unreachable until brought back', async () => {
    cloud.setDown('bu-keystone', true);
    await expect(fetch(`${sp}/identity/v3`)).rejects.toThrow();
    cloud.setDown('bu-keystone', false);
    expect((await fetch(`${sp}/identity/v3`)).status).toBe(200);
  });
});
