// A provider token presented back to the proxy is a narrow capability, never the user's home credential: anyone
// who sees the demo user's bu-keystone token (bu's services, logs, operators) must not be able to use it through
// the proxy for home's Swift, to delete a home server or to call identity; only the calls a provider's Nova needs
// for mix and match (here: Cinder volume show) work, only with `provider_token_callbacks` enabled, and only while
// bu-keystone itself still accepts the token. The token is taken from the proxy's own provider-session cache
// after a call that made it do K2K; every attack goes through the proxy's HTTP interface. That mix and match itself
// (`nova volume-attach SERVER VOL@bu-keystone`) still works is test/lab/mix-and-match.test.ts.
import request from 'supertest';
import { keystoneLogin, labConfig, labInfo, startLabProxy, LAB_DIR, type LabProxy } from '../support/lab';
import { passwordAuth } from '../support/keystone-auth';

jest.setTimeout(300_000);

interface CloudInfo {
  keystone: string;
  endpoints: { image: string; volume: string; compute: string };
  image: { id: string; name: string };
}
const lab = labInfo() as ReturnType<typeof labInfo> & { openstack?: { clouds?: Record<string, CloudInfo> } };
const BU = 'bu-keystone';
const tag = `tpt${Date.now().toString(36)}`;
/** How long the proxy may keep believing a provider token bu-keystone has revoked (its check cache is 1 s here). */
const REVOCATION_SECONDS = 20;

let p: LabProxy;
let home: CloudInfo;
let bu: CloudInfo;
let homeAdmin: { token: string; project: string };
let buAdmin: { token: string; project: string };
/** The demo user through the proxy: home token and home project id. */
let demo: { token: string; project: string };
/** The bu-keystone token the proxy obtained for demo by K2K, and the bu project it is scoped to. */
let buToken: string;
let buProject: string;
let homeServer: string;
let homeVolume: string;

function cloudInfo(name: string): CloudInfo {
  const c = lab.openstack?.clouds?.[name];
  if (!c?.endpoints?.volume || !c.endpoints.compute || !c.image?.id) {
    throw new Error(`${LAB_DIR}/lab.json has no openstack.clouds.${name}: start the lab's Glance/Cinder/Nova first`);
  }
  return c;
}

async function adminLogin(keystone: string, password: string): Promise<{ token: string; project: string }> {
  const { token, body } = await keystoneLogin(keystone, 'admin', password, 'admin');
  return { token, project: (body as { token: { project: { id: string } } }).token.project.id };
}

async function poll<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, seconds: number): Promise<T> {
  let last: T | undefined;
  for (const until = Date.now() + seconds * 1000; Date.now() < until;) {
    last = await get();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out after ${seconds} s waiting for ${what}; last: ${JSON.stringify(last)}`);
}

/** The callbacks are opt-in per provider; the check cache is short so revocation is seen quickly. */
function proxyOverrides(): Record<string, unknown> {
  const raw = labConfig();
  const providers = Object.fromEntries(
    Object.entries(raw['providers'] as Record<string, Record<string, unknown>>).map(([name, cfg]) => [
      name,
      name === 'home' || name === BU ? { ...cfg, provider_token_callbacks: true } : cfg,
    ]),
  );
  const cache = { ...((raw['cache'] as Record<string, unknown> | undefined) ?? {}), provider_token_check_ttl: '1s' };
  return { providers, cache, timeouts: { connect: '2s', response: '60s', request: '120s' } };
}

const asDemo = (t: request.Test): request.Test => t.set('x-auth-token', demo.token);
const withBuToken = (t: request.Test): request.Test => t.set('x-auth-token', buToken);

/** The server as home's own Nova shows it to home's admin (not through the proxy). */
async function serverAtHome(id: string): Promise<{ status: string } | undefined> {
  const res = await fetch(`${home.endpoints.compute}/servers/${id}`, { headers: { 'x-auth-token': homeAdmin.token } });
  return res.status === 200 ? ((await res.json()) as { server: { status: string } }).server : undefined;
}

beforeAll(async () => {
  home = cloudInfo('home');
  bu = cloudInfo(BU);
  p = await startLabProxy(proxyOverrides());
  homeAdmin = await adminLogin(home.keystone, lab.home.admin_password);
  buAdmin = await adminLogin(bu.keystone, lab.providers[BU]!.admin_password);

  const login = await request(p.server)
    .post('/identity/v3/auth/tokens')
    .send(passwordAuth('demo', 'demo-secret', 'demo'));
  expect(login.status).toBe(201);
  demo = {
    token: login.headers['x-subject-token'] as string,
    project: (login.body as { token: { project: { id: string } } }).token.project.id,
  };

  // A call the proxy can only serve by K2K to bu-keystone; the token it sent is then in its session cache.
  const listed = await asDemo(request(p.server).get(`/volume/v3/${demo.project}/volumes`)).set('x-ocx-provider', BU);
  expect(listed.status).toBe(200);
  const info = await p.proxy.deps.validator.validate(demo.token);
  const session = await p.proxy.deps.sessions.get({ token: demo.token, info }, BU);
  buToken = session.token;
  buProject = session.projectId as string;

  // Something at home to aim at: a server and a volume of demo's home project.
  const vol = await asDemo(request(p.server).post(`/volume/v3/${demo.project}/volumes`)).send({
    volume: { size: 1, name: `${tag}-vol` },
  });
  expect(`${vol.status} ${vol.text}`).toMatch(/^202 /);
  homeVolume = (vol.body as { volume: { id: string } }).volume.id;
  const srv = await asDemo(request(p.server).post('/compute/v2.1/servers'))
    .set('openstack-api-version', 'compute 2.37')
    .send({ server: { name: `${tag}-vm`, imageRef: home.image.id, flavorRef: '1', networks: 'none' } });
  expect(`${srv.status} ${srv.text}`).toMatch(/^202 /);
  homeServer = (srv.body as { server: { id: string } }).server.id;
  await poll(
    `server ${homeServer} ACTIVE at home`,
    () => serverAtHome(homeServer),
    (s) => s?.status === 'ACTIVE' || s?.status === 'ERROR',
    180,
  );
  await poll(
    `volume ${homeVolume} available`,
    async () =>
      (
        (await asDemo(request(p.server).get(`/volume/v3/${demo.project}/volumes/${homeVolume}`))).body as {
          volume?: { status: string };
        }
      ).volume?.status,
    (s) => s === 'available' || s === 'error',
    120,
  );
});

afterAll(async () => {
  if (!p) return;
  if (homeServer) {
    await asDemo(request(p.server).delete(`/compute/v2.1/servers/${homeServer}`));
    await poll(
      'home server gone',
      () => serverAtHome(homeServer),
      (s) => s === undefined,
      120,
    ).catch(() => undefined);
  }
  if (homeVolume) await asDemo(request(p.server).delete(`/volume/v3/${demo.project}/volumes/${homeVolume}`));
  await p.close();
}, 240_000);

describe("the demo user's bu-keystone token, presented back to the proxy", () => {
  it('is a token of bu-keystone, scoped to the mapped project there, and not the home token', async () => {
    expect(buToken).not.toBe(demo.token);
    const shown = await fetch(`${bu.keystone}/v3/auth/tokens`, {
      headers: { 'x-auth-token': buAdmin.token, 'x-subject-token': buToken },
    });
    expect(shown.status).toBe(200);
    expect(((await shown.json()) as { token: { project: { id: string } } }).token.project.id).toBe(buProject);
  });

  it("cannot list home's Swift account", async () => {
    const res = await withBuToken(request(p.server).get(`/object-store/v1/AUTH_${demo.project}`));
    expect([401, 403]).toContain(res.status);
  });

  it('cannot delete a home server, which still exists afterwards', async () => {
    const res = await withBuToken(request(p.server).delete(`/compute/v2.1/servers/${homeServer}`));
    expect([401, 403]).toContain(res.status);
    await new Promise((r) => setTimeout(r, 2000));
    expect((await serverAtHome(homeServer))?.status).toBe('ACTIVE');
  });

  it.each(['/identity/v3/auth/catalog', '/identity/v3/projects'])('cannot call identity: GET %s', async (path) => {
    const res = await withBuToken(request(p.server).get(path));
    expect([401, 403]).toContain(res.status);
  });

  it('can show a home volume through the Cinder front (the mix-and-match callback), under its bu project', async () => {
    const res = await withBuToken(request(p.server).get(`/volume/v3/${buProject}/volumes/${homeVolume}`));
    expect(res.status).toBe(200);
    expect((res.body as { volume: { id: string } }).volume.id).toBe(homeVolume);
  });

  it('stops working for that call once bu-keystone revokes it', async () => {
    const revoked = await fetch(`${bu.keystone}/v3/auth/tokens`, {
      method: 'DELETE',
      headers: { 'x-auth-token': buAdmin.token, 'x-subject-token': buToken },
    });
    expect(revoked.status).toBe(204);
    const status = await poll(
      'the revoked token refused',
      async () => (await withBuToken(request(p.server).get(`/volume/v3/${buProject}/volumes/${homeVolume}`))).status,
      (s) => s !== 200,
      REVOCATION_SECONDS,
    );
    expect(status).toBe(401);
  });
});
