import request from 'supertest';
import { HOME_USERS } from '../../src/demo/demo-identity';
import type { Harness } from '../support/harness';
import { passwordAuth } from '../support/harness';
import { STATIC_KEY, STATIC_PROVIDER, startHygieneHarness } from './support/hygiene-harness';
import { collectSecrets, leaksIn, type Secret } from './support/secrets';

// docs/contract.md "Security": tokens and passwords never appear in logs, metrics or error bodies. One run
// drives every path that handles a credential (logins of every kind, validation, revocation, K2K to two
// providers including a failing one, a static-credential Swift, merged listings, routed calls, object and image
// data, client errors and a provider outage) with the logger at `trace`; then every token the fake Keystones
// issued, every credential a provider received, every password, application-credential secret, SAML assertion
// and Shibboleth session cookie is searched for in every log line, in /metrics and in every error body.

let h: Harness;
/** Every answer with a 4xx/5xx status: their bodies must not carry a secret either. */
const errorBodies: string[] = [];
/** Secrets the clients themselves used, which no fake records (a wrong password, for one). */
const clientSecrets: Secret[] = [];

const WRONG_PASSWORD = 'wrong-password-4f1c9e';

beforeAll(async () => {
  h = await startHygieneHarness();
});
afterAll(() => h.close());

function call(method: string, path: string, token?: string): request.Test {
  const t = request(h.server)[method.toLowerCase() as 'get'](path);
  return token ? t.set('x-auth-token', token) : t;
}

async function run(t: request.Test): Promise<request.Response> {
  const res = await t;
  if (res.status >= 400) errorBodies.push(`${res.status} ${res.text ?? ''} ${JSON.stringify(res.headers)}`);
  return res;
}

async function login(user: string, project?: string): Promise<{ token: string; project: string }> {
  const [password] = HOME_USERS[user] as [string, string];
  const res = await run(call('POST', '/identity/v3/auth/tokens').send(passwordAuth(user, password, project)));
  expect(res.status).toBe(201);
  const token = res.headers['x-subject-token'] as string;
  clientSecrets.push({ kind: 'token', value: token, source: `X-Subject-Token for ${user}` });
  return { token, project: (res.body as { token: { project?: { id: string } } }).token.project?.id ?? '' };
}

/** Logins of every kind, validation, catalog, revocation and the failures around them. */
async function identityTraffic(): Promise<{ demo: { token: string; project: string } }> {
  const demo = await login('demo', 'demo');
  await login('demo2', 'demo');
  const other = await login('other', 'other');
  const unscoped = await login('demo');
  const rescoped = await run(
    call('POST', '/identity/v3/auth/tokens').send({
      auth: {
        identity: { methods: ['token'], token: { id: unscoped.token } },
        scope: { project: { name: 'demo', domain: { name: 'Default' } } },
      },
    }),
  );
  expect(rescoped.status).toBe(201);
  clientSecrets.push({ kind: 'token', value: rescoped.headers['x-subject-token'] as string, source: 'rescoped token' });
  const keystone = h.demo.providers['home']!.keystone;
  const user = [...keystone.store.users.values()].find((u) => u.name === 'demo')!;
  const ac = keystone.store.addAppCredential(user.id, h.demo.providers['home']!.projects['demo']!, 'hygiene');
  const acLogin = await run(
    call('POST', '/identity/v3/auth/tokens').send({
      auth: {
        identity: { methods: ['application_credential'], application_credential: { id: ac.id, secret: ac.secret } },
      },
    }),
  );
  expect(acLogin.status).toBe(201);
  clientSecrets.push({
    kind: 'token',
    value: acLogin.headers['x-subject-token'] as string,
    source: 'app credential token',
  });
  clientSecrets.push({ kind: 'password', value: WRONG_PASSWORD, source: 'a wrong password a client tried' });
  expect(
    (await run(call('POST', '/identity/v3/auth/tokens').send(passwordAuth('demo', WRONG_PASSWORD, 'demo')))).status,
  ).toBe(401);
  expect(
    (await run(call('POST', '/identity/v3/auth/tokens').send(passwordAuth('nobody', WRONG_PASSWORD)))).status,
  ).toBe(401);
  expect(
    (await run(call('GET', '/identity/v3/auth/tokens', demo.token).set('x-subject-token', other.token))).status,
  ).toBe(200);
  expect(
    (await run(call('HEAD', '/identity/v3/auth/tokens', demo.token).set('x-subject-token', other.token))).status,
  ).toBe(200);
  expect((await run(call('GET', '/identity/v3/auth/catalog', demo.token))).status).toBe(200);
  expect((await run(call('GET', '/identity/v3/auth/catalog', `${demo.token}x`))).status).toBe(401);
  // Revocation, then the revoked token everywhere.
  const doomed = await login('demo2', 'demo');
  expect(
    (await run(call('DELETE', '/identity/v3/auth/tokens', demo.token).set('x-subject-token', doomed.token))).status,
  ).toBe(204);
  expect((await run(call('GET', '/compute/v2.1/servers', doomed.token))).status).toBe(401);
  expect((await run(call('GET', `/object-store/v1/AUTH_${doomed.project}`, doomed.token))).status).toBe(401);
  // K2K: targeted identity calls at both SPs, and one that fails (other's project exists at no SP).
  for (const provider of ['bu-keystone', 'nu-keystone']) {
    expect(
      (await run(call('GET', '/identity/v3/auth/projects', demo.token).set('x-ocx-provider', provider))).status,
    ).toBe(200);
  }
  expect(
    (await run(call('GET', '/identity/v3/auth/projects', other.token).set('x-ocx-provider', 'bu-keystone'))).status,
  ).toBeGreaterThanOrEqual(400);
  return { demo };
}

/** Merged listings, routed calls, object and image data, client errors and an outage. */
async function serviceTraffic(demo: { token: string; project: string }): Promise<void> {
  const t = demo.token;
  const account = `/object-store/v1/AUTH_${demo.project}`;
  for (const path of [
    '/compute/v2.1/servers/detail',
    `/volume/v3/${demo.project}/volumes/detail`,
    '/image/v2/images',
    `${account}?format=json`,
  ]) {
    expect((await run(call('GET', path, t))).status).toBe(200);
  }
  // Swift at a K2K provider and at the static-credential one.
  expect((await run(call('PUT', `${account}/hygiene@bu-keystone`, t))).status).toBe(201);
  expect((await run(call('PUT', `${account}/hygiene/secret-object.txt`, t).send('payload'))).status).toBe(201);
  expect((await run(call('GET', `${account}/hygiene/secret-object.txt`, t))).text).toBe('payload');
  expect(
    (await run(call('COPY', `${account}/hygiene/secret-object.txt`, t).set('destination', 'hygiene/copy.txt'))).status,
  ).toBe(201);
  expect((await run(call('PUT', `${account}/static-box@${STATIC_PROVIDER}`, t))).status).toBe(201);
  expect((await run(call('PUT', `${account}/static-box/s.txt`, t).send('static'))).status).toBe(201);
  expect((await run(call('GET', `${account}/static-box/s.txt`, t))).text).toBe('static');
  // Compute and image writes at a provider.
  const images = await run(call('GET', '/image/v2/images', t).set('x-ocx-provider', 'bu-keystone'));
  const cirros = (images.body as { images: Array<{ id: string; name: string }> }).images.find((i) =>
    i.name.startsWith('cirros'),
  );
  const server = await run(
    call('POST', '/compute/v2.1/servers', t).send({
      server: { name: 'hyg@bu-keystone', imageRef: cirros?.id, flavorRef: '1' },
    }),
  );
  expect({ status: server.status, body: server.text }).toEqual({ status: 202, body: expect.any(String) });
  const image = await run(
    call('POST', '/image/v2/images', t).send({ name: 'hyg@nu-keystone', disk_format: 'raw', container_format: 'bare' }),
  );
  const imageId = (image.body as { id: string }).id;
  expect(
    (
      await run(
        call('PUT', `/image/v2/images/${imageId}/file`, t)
          .set('content-type', 'application/octet-stream')
          .send(Buffer.from('image-bytes')),
      )
    ).status,
  ).toBe(204);
  expect((await run(call('GET', `/image/v2/images/${imageId}/file`, t))).status).toBe(200);
  // Client errors on every front.
  expect((await run(call('GET', '/compute/v2.1/servers/nope@nowhere', t))).status).toBe(400);
  expect(
    (await run(call('GET', `/volume/v3/${demo.project}/volumes/00000000-0000-0000-0000-000000000000`, t))).status,
  ).toBe(404);
  expect((await run(call('GET', `${account}/no-such-container`, t))).status).toBe(404);
  expect(
    (await run(call('POST', '/compute/v2.1/servers', t).set('content-type', 'application/json').send('{"server":')))
      .status,
  ).toBe(400);
  expect(
    (
      await run(
        call('POST', '/image/v2/images', t)
          .set('content-type', 'application/json')
          .send(JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) })),
      )
    ).status,
  ).toBe(413);
  expect((await run(call('GET', '/compute/v2.1/servers', 'gAAAAABnot-a-real-token'))).status).toBe(401);
  // An outage: partial listings, routed calls refused, K2K to the dead provider failing.
  h.demo.setDown('nu-keystone', true);
  try {
    const partial = await run(call('GET', `${account}?format=json`, t));
    expect(partial.headers['x-ocx-partial']).toContain('nu-keystone');
    expect(
      (await run(call('GET', '/identity/v3/auth/projects', t).set('x-ocx-provider', 'nu-keystone'))).status,
    ).toBeGreaterThanOrEqual(500);
    const fresh = await login('demo2', 'demo');
    expect(
      (await run(call('GET', '/identity/v3/auth/projects', fresh.token).set('x-ocx-provider', 'nu-keystone'))).status,
    ).toBeGreaterThanOrEqual(500);
  } finally {
    h.demo.setDown('nu-keystone', false);
  }
}

describe('token hygiene: no secret in logs, metrics or error bodies', () => {
  let secrets: Secret[] = [];
  let metrics = '';

  beforeAll(async () => {
    const { demo } = await identityTraffic();
    await serviceTraffic(demo);
    metrics = (await request(h.server).get('/metrics')).text;
    await request(h.server).get('/readyz');
    secrets = collectSecrets(h, [
      ...clientSecrets,
      { kind: 'static-key', value: STATIC_KEY, source: 'static Swift key (config)' },
    ]);
  }, 60_000);

  it('the run exercised every kind of secret', () => {
    const count = (kind: Secret['kind']): number => secrets.filter((s) => s.kind === kind).length;
    expect(count('token')).toBeGreaterThanOrEqual(15);
    expect(count('password')).toBeGreaterThanOrEqual(4);
    expect(count('app-credential')).toBeGreaterThanOrEqual(1);
    expect(count('saml-assertion')).toBeGreaterThanOrEqual(2);
    expect(count('saml-signature')).toBeGreaterThanOrEqual(2);
    expect(count('session-cookie')).toBeGreaterThanOrEqual(2);
    expect(count('static-key')).toBe(1);
    // K2K provider tokens: issued by the SP Keystones, not by home.
    expect(
      secrets.filter((s) => s.kind === 'token' && /^(bu|nu)-keystone keystone/.test(s.source)).length,
    ).toBeGreaterThanOrEqual(4);
    expect(h.logs.length).toBeGreaterThan(40);
  });

  it('the search finds a provider token even cut short inside a log line', () => {
    const providerToken = secrets.find((s) => s.kind === 'token' && s.source.startsWith('bu-keystone'))?.value ?? '';
    const line = `{"msg":"upstream","auth":"${providerToken.slice(0, 30)}…"}`;
    expect(leaksIn(line, secrets)).not.toEqual([]);
    expect(leaksIn(`{"cookie":"${secrets.find((s) => s.kind === 'session-cookie')?.value}"}`, secrets)).not.toEqual([]);
  });

  it('no log line carries a secret', () => {
    const leaked = h.logs.flatMap((line, i) => leaksIn(line, secrets).map((what) => `log line ${i}: ${what}`));
    expect(leaked).toEqual([]);
  });

  it('no metric label or value carries a secret', () => {
    expect(metrics).toContain('ocx_requests_total');
    expect(leaksIn(metrics, secrets)).toEqual([]);
  });

  it('no error body or error header carries a secret', () => {
    expect(errorBodies.length).toBeGreaterThan(10);
    const leaked = errorBodies.flatMap((body, i) => leaksIn(body, secrets).map((what) => `error answer ${i}: ${what}`));
    expect(leaked).toEqual([]);
  });
});
