// FakeKeystone speaks Keystone v3's wire shapes (identity api-ref: version discovery, auth tokens, projects).
import type { DemoCloud } from '../../../src/demo/demo-cloud';
import { FakeKeystone } from '../../../src/demo/fake-keystone';
import { json, login, passwordBody, withCloud } from './demo-helpers';

let cloud: DemoCloud;
let identity: string;

beforeAll(async () => {
  cloud = await withCloud({ providers: ['home', 'bu-keystone'] });
  identity = `${cloud.providers.home?.baseUrl}/identity`;
});
afterAll(() => cloud.stop());

describe('version discovery', () => {
  it('GET / answers 300 with versions.values linking to its own base', async () => {
    const res = await fetch(`${identity}/`);
    expect(res.status).toBe(300);
    const body = (await res.json()) as { versions: { values: { id: string; links: { href: string }[] }[] } };
    expect(body.versions.values[0]?.id).toBe('v3.14');
    expect(body.versions.values[0]?.links[0]?.href).toBe(`${identity}/v3/`);
  });

  it('GET /v3 answers 200 with one version and its media type', async () => {
    const res = await fetch(`${identity}/v3`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { version: Record<string, unknown> };
    expect(body.version).toMatchObject({
      id: 'v3.14',
      status: 'stable',
      'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
    });
  });
});

describe('POST /v3/auth/tokens', () => {
  it('password + project scope by name: 201, X-Subject-Token, token body with catalog and service providers', async () => {
    const before = cloud.providers.home?.keystone.stats.issued ?? 0;
    const { token, body } = await login(identity, 'demo', 'demo-secret', 'demo');
    expect(token).toMatch(/^gAAAAAB[A-Za-z0-9_-]+$/);
    const t = body.token;
    expect(t.methods).toEqual(['password']);
    expect(t.user).toMatchObject({ name: 'demo', domain: { id: 'default', name: 'Default' } });
    expect(t.project).toMatchObject({ name: 'demo', id: cloud.providers.home?.projects.demo });
    expect(t.roles?.map((r) => r.name).sort()).toEqual(['member', 'reader']);
    expect(t.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(t.audit_ids).toHaveLength(1);
    const types = t.catalog?.map((s) => s.type);
    expect(types).toEqual(expect.arrayContaining(['identity', 'compute', 'volumev3', 'image', 'object-store']));
    const swift = t.catalog?.find((s) => s.type === 'object-store');
    expect(swift?.endpoints[0]).toMatchObject({ interface: 'public', region: 'RegionOne', region_id: 'RegionOne' });
    expect(swift?.endpoints[0]?.url).toBe(`${cloud.providers.home?.baseUrl}/object-store/v1/AUTH_${t.project?.id}`);
    const sp = cloud.providers['bu-keystone']?.baseUrl;
    expect(t.service_providers).toEqual([
      {
        id: 'bu-keystone',
        sp_url: `${sp}/Shibboleth.sso/SAML2/ECP`,
        auth_url: `${sp}/identity/v3/OS-FEDERATION/identity_providers/home/protocols/saml2/auth`,
      },
    ]);
    expect(cloud.providers.home?.keystone.stats.issued).toBe(before + 1);
  });

  it('unscoped password token has no catalog; user by id works', async () => {
    const { body } = await login(identity, 'demo', 'demo-secret');
    expect(body.token.project).toBeUndefined();
    expect(body.token.catalog).toBeUndefined();
    const res = await fetch(`${identity}/v3/auth/tokens`, {
      ...json({
        auth: {
          identity: { methods: ['password'], password: { user: { id: body.token.user.id, password: 'demo-secret' } } },
        },
      }),
    });
    expect(res.status).toBe(201);
  });

  it('bad password and foreign project are 401 in the Keystone error format', async () => {
    for (const body of [passwordBody('demo', 'wrong'), passwordBody('demo', 'demo-secret', 'other')]) {
      const res = await fetch(`${identity}/v3/auth/tokens`, json(body));
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' },
      });
    }
  });

  it('token method rescopes an unscoped token, keeping its expiry and chaining audit ids', async () => {
    const unscoped = await login(identity, 'demo', 'demo-secret');
    const projectId = cloud.providers.home?.projects.demo;
    const res = await fetch(
      `${identity}/v3/auth/tokens`,
      json({
        auth: {
          identity: { methods: ['token'], token: { id: unscoped.token } },
          scope: { project: { id: projectId } },
        },
      }),
    );
    expect(res.status).toBe(201);
    const body = (await res.json()) as { token: { methods: string[]; audit_ids: string[]; expires_at: string } };
    expect(body.token.methods).toEqual(['token', 'password']);
    expect(body.token.audit_ids[1]).toBe(unscoped.body.token.audit_ids[0]);
    expect(body.token.expires_at).toBe(unscoped.body.token.expires_at);
  });

  it('application_credential (id + secret) is scoped to its project', async () => {
    const store = cloud.providers.home?.keystone.store;
    const user = [...(store?.users.values() ?? [])].find((u) => u.name === 'demo2');
    const ac = store?.addAppCredential(user?.id ?? '', cloud.providers.home?.projects.demo ?? '', 'ci');
    const auth = {
      identity: { methods: ['application_credential'], application_credential: { id: ac?.id, secret: ac?.secret } },
    };
    const res = await fetch(`${identity}/v3/auth/tokens`, json({ auth }));
    expect(res.status).toBe(201);
    const body = (await res.json()) as {
      token: { methods: string[]; project: { name: string }; application_credential: unknown };
    };
    expect(body.token.methods).toEqual(['application_credential']);
    expect(body.token.project.name).toBe('demo');
    expect(body.token.application_credential).toMatchObject({ id: ac?.id, name: 'ci' });
    const wrong = {
      identity: { methods: ['application_credential'], application_credential: { id: ac?.id, secret: 'x' } },
    };
    expect((await fetch(`${identity}/v3/auth/tokens`, json({ auth: wrong }))).status).toBe(401);
  });
});

describe('token validation, check and revocation', () => {
  it('GET validates (200 + X-Subject-Token), HEAD checks, DELETE revokes, then 404 "Failed to validate token"', async () => {
    const kc = cloud.providers.home?.keystone;
    const { token } = await login(identity, 'demo', 'demo-secret', 'demo');
    const headers = { 'x-auth-token': token, 'x-subject-token': token };
    const before = kc?.stats.validations ?? 0;
    const got = await fetch(`${identity}/v3/auth/tokens`, { headers });
    expect(got.status).toBe(200);
    expect(got.headers.get('x-subject-token')).toBe(token);
    expect(((await got.json()) as { token: { project: { name: string } } }).token.project.name).toBe('demo');
    expect(kc?.stats.validations).toBe(before + 1);
    const head = await fetch(`${identity}/v3/auth/tokens`, { method: 'HEAD', headers });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const admin = await login(identity, 'admin', 'admin-secret', 'admin');
    const revoke = await fetch(`${identity}/v3/auth/tokens`, {
      method: 'DELETE',
      headers: { 'x-auth-token': admin.token, 'x-subject-token': token },
    });
    expect(revoke.status).toBe(204);
    const after = await fetch(`${identity}/v3/auth/tokens`, {
      headers: { 'x-auth-token': admin.token, 'x-subject-token': token },
    });
    expect(after.status).toBe(404);
    expect(await after.json()).toEqual({
      error: { code: 404, title: 'Not Found', message: 'Failed to validate token' },
    });
    expect((await fetch(`${identity}/v3/auth/tokens`, { headers })).status).toBe(401);
  });

  it('tokens expire after the configured lifetime', () => {
    let now = Date.parse('2030-01-01T00:00:00Z');
    const kc = new FakeKeystone({ baseUrl: 'http://x/identity', tokenLifetimeSec: 60, clock: () => now });
    const u = kc.store.addUser('u', 'p');
    const rec = kc.store.issue(u, ['password']);
    expect(kc.lookup(rec?.id)).toBeDefined();
    now += 60_000;
    expect(kc.lookup(rec?.id)).toBeUndefined();
  });
});

describe('catalog and projects', () => {
  it('GET /v3/auth/catalog needs a scoped token; /v3/auth/projects lists the user projects', async () => {
    const scoped = await login(identity, 'demo', 'demo-secret', 'demo');
    const cat = await fetch(`${identity}/v3/auth/catalog`, { headers: { 'x-auth-token': scoped.token } });
    expect(cat.status).toBe(200);
    expect(((await cat.json()) as { catalog: unknown[] }).catalog.length).toBeGreaterThan(4);
    const unscoped = await login(identity, 'demo', 'demo-secret');
    expect((await fetch(`${identity}/v3/auth/catalog`, { headers: { 'x-auth-token': unscoped.token } })).status).toBe(
      403,
    );
    const res = await fetch(`${identity}/v3/auth/projects`, { headers: { 'x-auth-token': unscoped.token } });
    const body = (await res.json()) as {
      projects: { name: string; domain_id: string; links: { self: string } }[];
      links: unknown;
    };
    expect(body.projects.map((p) => p.name)).toEqual(['demo']);
    expect(body.projects[0]).toMatchObject({ domain_id: 'default', enabled: true, is_domain: false });
    expect(body.links).toEqual({ self: `${identity}/v3/auth/projects`, previous: null, next: null });
  });

  it('GET /v3/projects is admin only; /v3/users/{id}/projects is self or admin', async () => {
    const demo = await login(identity, 'demo', 'demo-secret', 'demo');
    const admin = await login(identity, 'admin', 'admin-secret', 'admin');
    expect((await fetch(`${identity}/v3/projects`, { headers: { 'x-auth-token': demo.token } })).status).toBe(403);
    const all = await fetch(`${identity}/v3/projects?name=other`, { headers: { 'x-auth-token': admin.token } });
    expect(((await all.json()) as { projects: { name: string }[] }).projects.map((p) => p.name)).toEqual(['other']);
    const mine = await fetch(`${identity}/v3/users/${demo.body.token.user.id}/projects`, {
      headers: { 'x-auth-token': demo.token },
    });
    expect(mine.status).toBe(200);
    const theirs = await fetch(`${identity}/v3/users/${admin.body.token.user.id}/projects`, {
      headers: { 'x-auth-token': demo.token },
    });
    expect(theirs.status).toBe(403);
  });

  it('records every request with method, path and headers', async () => {
    const kc = cloud.providers.home?.keystone;
    await fetch(`${identity}/v3`, { headers: { 'x-auth-token': 'abc' } });
    const last = kc?.requests.at(-1);
    expect(last).toMatchObject({ method: 'GET', path: '/identity/v3' });
    expect(last?.headers['x-auth-token']).toBe('abc');
  });
});
