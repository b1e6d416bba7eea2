import { createHmac } from 'node:crypto';
import request from 'supertest';
import { passwordAuth } from '../support/harness';
import { startSwiftHarness, type SwiftHarness } from './object-store-support';

// TempURL through the proxy (docs/lab-swift.md "TempURL and FormPost"): signed against the proxy's path with a
// key set through the proxy, checked by the proxy, signed again for the provider holding the object.

let s: SwiftHarness;
let root: string;
const KEY = 'proxy-key-1';

beforeAll(async () => {
  s = await startSwiftHarness(['home', 'bu-keystone']);
  root = s.account.replace('/object-store', '');
  expect((await s.req('POST', root).set('x-account-meta-temp-url-key', KEY)).status).toBe(204);
  expect((await s.req('PUT', `${root}/far@bu-keystone`)).status).toBe(201);
  expect((await s.req('PUT', `${root}/far/o.txt`).set('content-type', 'text/plain').send('far away')).status).toBe(201);
  expect((await s.req('PUT', `${root}/near@home`)).status).toBe(201);
  expect((await s.req('PUT', `${root}/near/n.txt`).set('content-type', 'text/plain').send('close by')).status).toBe(
    201,
  );
});
afterAll(() => s.close());

function sign(method: string, path: string, expires: number, key = KEY, digest = 'sha256'): string {
  return createHmac(digest, key).update(`${method}\n${expires}\n${path}`).digest('hex');
}

function later(seconds = 300): number {
  return Math.floor(Date.now() / 1000) + seconds;
}

function signedUrl(method: string, path: string, opts: { key?: string; expires?: number; digest?: string } = {}) {
  const expires = opts.expires ?? later();
  return `${path}?temp_url_sig=${sign(method, path, expires, opts.key, opts.digest)}&temp_url_expires=${expires}`;
}

function anon(method: string, url: string): request.Test {
  return request(s.h.server)[method.toLowerCase() as 'get'](url);
}

/** Every query string a provider's fake Swift received for the object. */
function sigsSeen(provider: string): string[] {
  return s
    .swiftAt(provider)
    .requests.slice()
    .map((r) => String(r.query['temp_url_sig'] ?? ''))
    .filter(Boolean);
}

describe('TempURL through the proxy', () => {
  it('/info advertises tempurl with the providers’ digests and methods', async () => {
    const info = await request(s.h.server).get('/info');
    expect(info.body.tempurl.methods).toEqual(['GET', 'HEAD', 'PUT', 'POST', 'DELETE']);
    expect(info.body.tempurl.allowed_digests).toEqual(['sha1', 'sha256', 'sha512']);
  });

  it('the account key set through the proxy reaches the project’s account at every provider', () => {
    for (const p of ['home', 'bu-keystone']) {
      expect(s.swiftAt(p).accounts.get(`AUTH_${s.projectAt(p)}`)?.meta['temp-url-key']).toBe(KEY);
    }
  });

  it('a GET signed for the proxy’s path works at the provider holding the object, without any token', async () => {
    const url = signedUrl('GET', `${root}/far/o.txt`);
    const clientSig = new URL(url, 'http://x').searchParams.get('temp_url_sig') as string;
    const res = await anon('GET', url);
    expect(res.status).toBe(200);
    expect(res.text).toBe('far away');
    expect(res.headers['x-ocx-provider']).toBe('bu-keystone');
    // The provider got a signature for its own path, never the client's.
    const seen = sigsSeen('bu-keystone');
    expect(seen.length).toBeGreaterThan(0);
    expect(seen).not.toContain(clientSig);
    expect(sigsSeen('home')).not.toContain(clientSig);
    const last = s.swiftAt('bu-keystone').requests.at(-1);
    expect(last?.path).toBe(`/object-store/v1/AUTH_${s.projectAt('bu-keystone')}/far/o.txt`);
    expect(last?.headers['x-auth-token']).toBeUndefined();
  });

  it('HEAD accepts a GET signature; hex sha1, sha512 and base64 forms verify', async () => {
    const path = `${root}/near/n.txt`;
    expect((await anon('HEAD', signedUrl('GET', path))).status).toBe(200);
    expect((await anon('GET', signedUrl('GET', path, { digest: 'sha1' }))).status).toBe(200);
    const expires = later();
    const b64 = createHmac('sha512', KEY).update(`GET\n${expires}\n${path}`).digest('base64url');
    const res = await anon('GET', `${path}?temp_url_sig=sha512:${b64}&temp_url_expires=${expires}`);
    expect(res.status).toBe(200);
    expect(res.text).toBe('close by');
  });

  it('ISO-8601 expiry and temp_url_prefix work', async () => {
    const iso = new Date((later() + 60) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const epoch = Date.parse(iso) / 1000;
    const prefixPath = `prefix:${root}/far/o`;
    const sig = createHmac('sha256', KEY).update(`GET\n${epoch}\n${prefixPath}`).digest('hex');
    const res = await anon('GET', `${root}/far/o.txt?temp_url_sig=${sig}&temp_url_expires=${iso}&temp_url_prefix=o`);
    expect(res.status).toBe(200);
    expect(res.text).toBe('far away');
    // The prefix must be a prefix of the object.
    const other = await anon('GET', `${root}/near/n.txt?temp_url_sig=${sig}&temp_url_expires=${iso}&temp_url_prefix=o`);
    expect(other.status).toBe(401);
  });

  it('a PUT signed for a new object lands at the container’s provider', async () => {
    const res = await anon('PUT', signedUrl('PUT', `${root}/far/up.txt`))
      .set('content-type', 'text/plain')
      .send('uploaded');
    expect(res.status).toBe(201);
    const c = s
      .swiftAt('bu-keystone')
      .accounts.get(`AUTH_${s.projectAt('bu-keystone')}`)
      ?.containers.get('far');
    expect(c?.objects.get('up.txt')?.data.toString()).toBe('uploaded');
  });

  it('a signed PUT finds a container only ever addressed as name@provider (no recorded location)', async () => {
    expect((await s.req('PUT', `${root}/only@bu-keystone`)).status).toBe(201);
    const res = await anon('PUT', signedUrl('PUT', `${root}/only/x.txt`))
      .set('content-type', 'text/plain')
      .send('x');
    expect(res.status).toBe(201);
    expect(res.headers['x-ocx-provider']).toBe('bu-keystone');
  });

  it('a container key set through the proxy verifies too', async () => {
    expect((await s.req('POST', `${root}/near`).set('x-container-meta-temp-url-key', 'cont-key')).status).toBe(204);
    const res = await anon('GET', signedUrl('GET', `${root}/near/n.txt`, { key: 'cont-key' }));
    expect(res.status).toBe(200);
  });
});

describe('TempURL refusals (security regressions): Swift’s 401', () => {
  async function expect401(method: string, url: string): Promise<void> {
    const before = s.swiftAt('bu-keystone').requests.length + s.swiftAt('home').requests.length;
    const res = await anon(method, url);
    expect(res.status).toBe(401);
    if (method !== 'HEAD') expect(res.text).toBe('401 Unauthorized: Temp URL invalid\n');
    expect(res.headers['www-authenticate']).toBe('Swift realm="unknown"');
    // Refused by the proxy: no provider was asked.
    expect(s.swiftAt('bu-keystone').requests.length + s.swiftAt('home').requests.length).toBe(before);
  }

  it('a wrong key', () => expect401('GET', signedUrl('GET', `${root}/far/o.txt`, { key: 'guessed' })));

  it('expired', () => expect401('GET', signedUrl('GET', `${root}/far/o.txt`, { expires: later(-10) })));

  it('signed for another object', async () => {
    const url = signedUrl('GET', `${root}/far/o.txt`).replace('/far/o.txt', '/far/up.txt');
    await expect401('GET', url);
  });

  it('signed for another method (GET signature used to PUT or DELETE)', async () => {
    const url = signedUrl('GET', `${root}/far/o.txt`);
    await expect401('DELETE', url);
    await expect401('PUT', url);
  });

  it('an unknown digest form, a missing expiry, a container path', async () => {
    await expect401('GET', `${root}/far/o.txt?temp_url_sig=abc&temp_url_expires=${later()}`);
    await expect401('GET', `${root}/far/o.txt?temp_url_sig=${sign('GET', `${root}/far/o.txt`, later())}`);
    await expect401('GET', signedUrl('GET', `${root}/far`));
  });

  it('another project’s key, set in its own account, does not open this project’s objects', async () => {
    const login = await request(s.h.server)
      .post('/identity/v3/auth/tokens')
      .send(passwordAuth('other', 'other-secret', 'other'));
    const otherToken = login.headers['x-subject-token'] as string;
    const otherRoot = `/v1/AUTH_${login.body.token.project.id as string}`;
    const set = await request(s.h.server)
      .post(otherRoot)
      .set('x-auth-token', otherToken)
      .set('x-account-meta-temp-url-key', 'other-key');
    expect(set.status).toBe(204);
    await expect401('GET', signedUrl('GET', `${root}/far/o.txt`, { key: 'other-key' }));
    // And the other project's own paths are not this project's keys' either.
    await expect401('GET', signedUrl('GET', `${otherRoot}/far/o.txt`, { key: KEY }));
  });

  it('a key removed through the proxy no longer verifies', async () => {
    expect((await s.req('POST', `${root}/near`).set('x-remove-container-meta-temp-url-key', 'x')).status).toBe(204);
    await expect401('GET', signedUrl('GET', `${root}/near/n.txt`, { key: 'cont-key' }));
  });

  it('a key set at a provider behind the proxy’s back is not the proxy’s to accept', async () => {
    s.swiftAt('bu-keystone').accounts.get(`AUTH_${s.projectAt('bu-keystone')}`)!.meta['temp-url-key-2'] = 'sneaky';
    await expect401('GET', signedUrl('GET', `${root}/far/o.txt`, { key: 'sneaky' }));
    delete s.swiftAt('bu-keystone').accounts.get(`AUTH_${s.projectAt('bu-keystone')}`)!.meta['temp-url-key-2'];
  });

  it('with a token too, the signature is judged, and a provider never receives it', async () => {
    const url = signedUrl('GET', `${root}/far/o.txt`, { key: 'guessed' });
    const res = await s.req('GET', url);
    expect(res.status).toBe(401);
    const clientSig = new URL(url, 'http://x').searchParams.get('temp_url_sig') as string;
    expect(sigsSeen('bu-keystone')).not.toContain(clientSig);
    expect(sigsSeen('home')).not.toContain(clientSig);
  });
});

describe('a UTF-8 temp-url key', () => {
  it('signs as its UTF-8 bytes through the proxy and at the provider holding the object', async () => {
    const key = 'ключ-🔑';
    // On the wire a header carries the key's UTF-8 bytes; Node's client sends a string one byte per character.
    const wire = Buffer.from(key, 'utf8').toString('latin1');
    const path = `${root}/far/o.txt`;
    expect((await s.req('POST', `${root}/far`).set('x-container-meta-temp-url-key', wire)).status).toBe(204);
    const expires = later();
    const sig = createHmac('sha256', Buffer.from(key, 'utf8')).update(`GET\n${expires}\n${path}`).digest('hex');
    const res = await anon('GET', `${path}?temp_url_sig=${sig}&temp_url_expires=${expires}`);
    expect([res.status, res.text, res.headers['x-ocx-provider']]).toEqual([200, 'far away', 'bu-keystone']);
    expect((await s.req('POST', `${root}/far`).set('x-remove-container-meta-temp-url-key', 'x')).status).toBe(204);
  });
});
