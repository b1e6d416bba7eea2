import request from 'supertest';
import { passwordAuth, startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const providerBases = (): string[] => Object.values(h.demo.providers).map((p) => p.baseUrl);
const leaksProviderUrl = (text: string): boolean => providerBases().some((b) => text.includes(b));

async function login(user = 'demo', password = 'demo-secret', project: string | undefined = 'demo') {
  const res = await request(h.server)
    .post('/identity/v3/auth/tokens')
    .send(passwordAuth(user, password, project));
  expect(res.status).toBe(201);
  return { token: res.headers['x-subject-token'] as string, body: res.body, text: res.text };
}

describe('Keystone front: discovery', () => {
  it('GET /identity answers version discovery with links at the proxy', async () => {
    const res = await request(h.server).get('/identity');
    expect([200, 300]).toContain(res.status);
    expect(leaksProviderUrl(res.text)).toBe(false);
    expect(res.text).toContain(`${h.url}/identity/v3`);
  });

  it('GET /identity/v3 answers the v3 document with a self link at the proxy', async () => {
    const res = await request(h.server).get('/identity/v3');
    expect(res.status).toBe(200);
    expect(res.body.version.id).toMatch(/^v3/);
    expect(res.body.version.links[0].href).toBe(`${h.url}/identity/v3/`);
  });
});

describe('Keystone front: tokens', () => {
  it('a scoped password login returns the proxy catalog and X-Subject-Token', async () => {
    const { token, body, text } = await login();
    expect(token).toBeTruthy();
    expect(body.token.project.name).toBe('demo');
    const types = body.token.catalog.map((c: { type: string }) => c.type);
    expect(types).toEqual(
      expect.arrayContaining(['identity', 'compute', 'volumev3', 'block-storage', 'image', 'object-store']),
    );
    for (const entry of body.token.catalog) {
      for (const ep of entry.endpoints) expect(ep.url.startsWith(h.url + '/')).toBe(true);
    }
    const swift = body.token.catalog.find((c: { type: string }) => c.type === 'object-store');
    expect(swift.endpoints[0].url).toBe(`${h.url}/v1/AUTH_${body.token.project.id}`);
    expect(body.token.service_providers).toBeUndefined();
    expect(leaksProviderUrl(text)).toBe(false);
  });

  it('an unscoped login works and has no project endpoints', async () => {
    // Keystone scopes a login without scope to the user's default project when one is set: both cases are checked.
    const { body } = await login('demo2', 'demo2-secret', undefined);
    const types = body.token.catalog.map((c: { type: string }) => c.type);
    if (body.token.project === undefined) expect(types).toEqual(['identity', 'compute', 'image']);
    else expect(types).toContain('object-store');
    expect(body.token.user.name).toBe('demo2');
  });

  it('the token method re-scopes through the proxy', async () => {
    const { token } = await login('demo', 'demo-secret', undefined);
    const res = await request(h.server)
      .post('/identity/v3/auth/tokens')
      .send({
        auth: {
          identity: { methods: ['token'], token: { id: token } },
          scope: { project: { name: 'demo', domain: { name: 'Default' } } },
        },
      });
    expect(res.status).toBe(201);
    expect(res.body.token.project.name).toBe('demo');
    expect(res.headers['x-subject-token']).toBeTruthy();
  });

  it('application credentials log in through the proxy', async () => {
    const keystone = h.demo.providers['home']?.keystone;
    const user = [...(keystone?.store.users.values() ?? [])].find((u) => u.name === 'demo');
    expect(user).toBeDefined();
    const ac = keystone!.store.addAppCredential(user!.id, h.demo.providers['home']!.projects['demo']!, 'ci');
    const res = await request(h.server)
      .post('/identity/v3/auth/tokens')
      .send({
        auth: {
          identity: { methods: ['application_credential'], application_credential: { id: ac.id, secret: ac.secret } },
        },
      });
    expect(res.status).toBe(201);
    expect(res.body.token.methods).toEqual(['application_credential']);
    expect(
      res.body.token.catalog.every((c: { endpoints: Array<{ url: string }> }) =>
        c.endpoints.every((e) => e.url.startsWith(h.url)),
      ),
    ).toBe(true);
  });

  it('bad credentials give 401 in Keystone format', async () => {
    const res = await request(h.server)
      .post('/identity/v3/auth/tokens')
      .send(passwordAuth('demo', 'wrong', 'demo'));
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: 401, title: 'Unauthorized' });
    expect(leaksProviderUrl(JSON.stringify(res.headers))).toBe(false);
  });

  it('malformed JSON is a 400 in Keystone format, not a 500', async () => {
    const res = await request(h.server)
      .post('/identity/v3/auth/tokens')
      .set('content-type', 'application/json')
      .send('{"auth":');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(400);
  });

  it('GET /v3/auth/tokens validates and rewrites the catalog', async () => {
    const { token } = await login();
    const res = await request(h.server)
      .get('/identity/v3/auth/tokens')
      .set('x-auth-token', token)
      .set('x-subject-token', token);
    expect(res.status).toBe(200);
    expect(res.headers['x-subject-token']).toBe(token);
    expect(res.body.token.catalog.length).toBeGreaterThan(0);
    expect(leaksProviderUrl(res.text)).toBe(false);
    const head = await request(h.server)
      .head('/identity/v3/auth/tokens')
      .set('x-auth-token', token)
      .set('x-subject-token', token);
    expect(head.status).toBe(200);
  });

  it('GET /v3/auth/catalog answers the proxy catalog', async () => {
    const { token, body } = await login();
    const res = await request(h.server).get('/identity/v3/auth/catalog').set('x-auth-token', token);
    expect(res.status).toBe(200);
    expect(res.body.catalog).toEqual(body.token.catalog);
  });

  it('an invalid token is a 401 in Keystone format', async () => {
    const res = await request(h.server).get('/identity/v3/auth/catalog').set('x-auth-token', 'not-a-token');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' },
    });
  });

  it('other /v3 calls pass through to the home Keystone', async () => {
    const { token } = await login();
    const res = await request(h.server).get('/identity/v3/auth/projects').set('x-auth-token', token);
    expect(res.status).toBe(200);
    expect(res.body.projects.map((p: { name: string }) => p.name)).toContain('demo');
    expect(res.headers['x-ocx-provider']).toBe('home');
    expect(leaksProviderUrl(res.text)).toBe(false);
  });
});

describe('token validation cache', () => {
  it('100 requests with one token cause one validation at the home Keystone', async () => {
    const home = h.demo.providers['home']!;
    // Log in directly at home (not through the proxy) so the proxy has never seen the token.
    const direct = await fetch(`${home.baseUrl}/identity/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(passwordAuth('demo2', 'demo2-secret', 'demo')),
    });
    const token = direct.headers.get('x-subject-token') as string;
    const before = home.keystone.stats.validations ?? 0;
    for (let i = 0; i < 100; i++) {
      const res = await request(h.server).get('/identity/v3/auth/catalog').set('x-auth-token', token);
      expect(res.status).toBe(200);
    }
    expect((home.keystone.stats.validations ?? 0) - before).toBe(1);
    const metrics = await request(h.server).get('/metrics');
    expect(metrics.text).toMatch(/ocx_cache_lookups_total\{cache="token",result="hit"\} \d+/);
  });

  it('a token revoked through the proxy is refused afterwards', async () => {
    const { token } = await login();
    const del = await request(h.server)
      .delete('/identity/v3/auth/tokens')
      .set('x-auth-token', token)
      .set('x-subject-token', token);
    expect(del.status).toBe(204);
    const res = await request(h.server).get('/identity/v3/auth/catalog').set('x-auth-token', token);
    expect(res.status).toBe(401);
  });
});

describe('request ids and observability', () => {
  it('answers with its own x-openstack-request-id, whatever the client sent', async () => {
    const id = 'req-0f0e0d0c-0b0a-4908-8706-050403020100';
    const chosen = await request(h.server).get('/identity/v3').set('x-openstack-request-id', id);
    expect(chosen.headers['x-openstack-request-id']).toMatch(/^req-[0-9a-f-]{36}$/);
    expect(chosen.headers['x-openstack-request-id']).not.toBe(id);
    const made = await request(h.server).get('/identity/v3').set('x-openstack-request-id', 'evil\tvalue');
    expect(made.headers['x-openstack-request-id']).toMatch(/^req-[0-9a-f-]{36}$/);
  });

  it('/healthz and /readyz answer while the home Keystone is up', async () => {
    expect((await request(h.server).get('/healthz')).status).toBe(200);
    const ready = await request(h.server).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.home.reachable).toBe(true);
    expect(ready.body.providers).toEqual({ home: { breaker: 'closed' }, 'bu-keystone': { breaker: 'closed' } });
  });

  it('/metrics counts requests by service and status class', async () => {
    const res = await request(h.server).get('/metrics');
    expect(res.text).toMatch(
      /ocx_requests_total\{service="identity",method="POST",status_class="2xx",provider="home"\} \d+/,
    );
    expect(res.text).toMatch(/ocx_upstream_duration_seconds_bucket/);
  });

  it('unknown paths are 404', async () => {
    expect((await request(h.server).get('/nowhere')).status).toBe(404);
  });
});
