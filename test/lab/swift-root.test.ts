import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { startLabProxy, type LabProxy } from '../support/lab';
import { requireLabSwift } from './swift-support';
import { passwordAuth } from '../support/keystone-auth';

// The lab's real Swift clusters behind the proxy as Swift's own tools and functional suite see them: the storage
// URL at /v1 on the root, Swift paths in headers and listings in the client's form, a provider's refusal as the
// caller's answer. Uses the suite's users (deploy/lab/swift.sh creates them, scripts/swift-conformance.sh).
jest.setTimeout(120_000);
const id = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;

let p: LabProxy;
beforeAll(async () => {
  await requireLabSwift();
  p = await startLabProxy();
});
afterAll(() => p?.close());

async function login(user: string, project: string): Promise<{ token: string; storage: string }> {
  const res = await request(p.server)
    .post('/identity/v3/auth/tokens')
    .send(passwordAuth(user, 'testing', project));
  if (res.status !== 201) {
    throw new Error(`login ${user} through the proxy: HTTP ${res.status} (deploy/lab/swift.sh up creates the users)`);
  }
  const catalog = res.body.token.catalog as Array<{
    type: string;
    endpoints: Array<{ interface: string; url: string }>;
  }>;
  const swift = catalog.find((c) => c.type === 'object-store')?.endpoints.find((e) => e.interface === 'public');
  return { token: res.headers['x-subject-token'] as string, storage: swift?.url ?? '' };
}

describe('lab: Swift at /v1 through the proxy', () => {
  it('the storage URL is /v1/AUTH_<home project> and the account works there', async () => {
    const u = await login('swiftusertest1', 'swifttenanttest1');
    const path = new URL(u.storage).pathname;
    expect(path).toMatch(/^\/v1\/AUTH_[0-9a-f]{32}$/);
    const c = `root-${id}`;
    const put = (url: string): request.Test => request(p.server).put(url).set('x-auth-token', u.token);
    expect((await put(`${path}/${c}`)).status).toBe(201);
    expect((await put(`${path}/${c}/o`).set('content-type', 'text/plain').send('hi')).status).toBe(201);
    const got = await request(p.server).get(`/object-store${path}/${c}/o`).set('x-auth-token', u.token);
    expect(got.text).toBe('hi');
    const bad = await put('/v1');
    expect([bad.status, bad.text]).toEqual([412, 'Bad URL']);
    await request(p.server).delete(`${path}/${c}/o`).set('x-auth-token', u.token);
    await request(p.server).delete(`${path}/${c}`).set('x-auth-token', u.token);
  });

  it('a user without a Swift role at home gets 403, not a partial 200', async () => {
    const u = await login('swiftusertest3', 'swifttenanttest1');
    const res = await request(p.server).get(new URL(u.storage).pathname).set('x-auth-token', u.token);
    expect(res.status).toBe(403);
    expect(res.headers['x-ocx-partial']).toBeUndefined();
  });

  it('a symlink at bu-keystone: Content-Location and symlink_path name the proxy account', async () => {
    const u = await login('swiftusertest1', 'swifttenanttest1');
    const path = new URL(u.storage).pathname;
    const c = `lnk-${id}`;
    const req = (method: 'put' | 'get' | 'delete', url: string): request.Test =>
      request(p.server)[method](url).set('x-auth-token', u.token);
    expect((await req('put', `${path}/${c}@bu-keystone`)).status).toBe(201);
    try {
      expect((await req('put', `${path}/${c}/t`).set('content-type', 'text/plain').send('target')).status).toBe(201);
      const link = await req('put', `${path}/${c}/l`)
        .set('x-symlink-target', `${c}/t`)
        .set('content-type', 'application/symlink')
        .send('');
      expect(link.status).toBe(201);
      const got = await req('get', `${path}/${c}/l`);
      expect(got.text).toBe('target');
      expect(got.headers['content-location']).toBe(`${path}/${c}/t`);
      const listing = await req('get', `${path}/${c}?format=json`);
      const row = (listing.body as Array<{ name: string; symlink_path?: string }>).find((r) => r.name === 'l');
      expect(row?.symlink_path).toBe(`${path}/${c}/t`);
      const alias = await req('get', `/object-store${path}/${c}?format=json`);
      const aliasRow = (alias.body as Array<{ name: string; symlink_path?: string }>).find((r) => r.name === 'l');
      expect(aliasRow?.symlink_path).toBe(`/object-store${path}/${c}/t`);
    } finally {
      await req('delete', `${path}/${c}/l`);
      await req('delete', `${path}/${c}/t`);
      await req('delete', `${path}/${c}`);
    }
  });
});

describe("lab: other accounts and anonymous callers, decided by home's Swift", () => {
  it('a container ACL granting another project: that project reads it through the proxy; others get 403', async () => {
    const owner = await login('swiftusertest1', 'swifttenanttest1');
    const reader = await login('swiftusertest2', 'swifttenanttest2');
    const path = new URL(owner.storage).pathname;
    const readerProject = new URL(reader.storage).pathname.split('/')[2]?.replace(/^AUTH_/, '');
    const c = `acl-${id}`;
    const as = (t: string, method: 'put' | 'get' | 'delete', url: string): request.Test =>
      request(p.server)[method](url).set('x-auth-token', t);
    expect((await as(owner.token, 'put', `${path}/${c}`)).status).toBe(201);
    try {
      expect(
        (await as(owner.token, 'put', `${path}/${c}/o`).set('content-type', 'text/plain').send('shared')).status,
      ).toBe(201);
      expect((await as(reader.token, 'get', `${path}/${c}/o`)).status).toBe(403);
      const grant = await request(p.server)
        .post(`${path}/${c}`)
        .set('x-auth-token', owner.token)
        .set('x-container-read', `${readerProject}:*`);
      expect(grant.status).toBe(204);
      const read = await as(reader.token, 'get', `${path}/${c}/o`);
      expect([read.status, read.text]).toEqual([200, 'shared']);
    } finally {
      await as(owner.token, 'delete', `${path}/${c}/o`);
      await as(owner.token, 'delete', `${path}/${c}`);
    }
  });

  it('a public container (.r:*,.rlistings) answers anonymous reads and listings, a private one refuses them', async () => {
    const owner = await login('swiftusertest1', 'swifttenanttest1');
    const path = new URL(owner.storage).pathname;
    const c = `pub-${id}`;
    const as = (method: 'put' | 'delete', url: string): request.Test =>
      request(p.server)[method](url).set('x-auth-token', owner.token);
    expect((await as('put', `${path}/${c}`)).status).toBe(201);
    try {
      expect((await as('put', `${path}/${c}/o`).set('content-type', 'text/plain').send('public')).status).toBe(201);
      expect((await request(p.server).get(`${path}/${c}/o`)).status).toBe(401);
      expect((await as('put', `${path}/${c}`).set('x-container-read', '.r:*,.rlistings')).status).toBe(202);
      const got = await request(p.server).get(`${path}/${c}/o`);
      expect([got.status, got.text]).toEqual([200, 'public']);
      const listing = await request(p.server).get(`${path}/${c}?format=json`);
      expect((listing.body as Array<{ name: string }>).map((r) => r.name)).toEqual(['o']);
      expect(JSON.stringify(got.headers)).not.toContain('127.0.0.1:5001');
    } finally {
      await as('delete', `${path}/${c}/o`);
      await as('delete', `${path}/${c}`);
    }
  });
});

describe('lab: other accounts and anonymous callers at bu-keystone, decided by its Swift', () => {
  const as = (t: string | undefined, method: 'put' | 'get' | 'head' | 'post' | 'delete', url: string): request.Test => {
    const r = request(p.server)[method](url);
    return t === undefined ? r : r.set('x-auth-token', t);
  };

  it("an ACL granting another project (home ids) works there: the ids become bu-keystone's and read back as home's", async () => {
    const owner = await login('swiftusertest1', 'swifttenanttest1');
    const reader = await login('swiftusertest2', 'swifttenanttest2');
    const path = new URL(owner.storage).pathname;
    const readerProject = new URL(reader.storage).pathname.split('/')[2]?.replace(/^AUTH_/, '') ?? '';
    const c = `aclbu-${id}`;
    expect((await as(owner.token, 'put', `${path}/${c}@bu-keystone`)).status).toBe(201);
    try {
      expect(
        (await as(owner.token, 'put', `${path}/${c}/o`).set('content-type', 'text/plain').send('shared')).status,
      ).toBe(201);
      // At bu-keystone (the container is nowhere else), with the reader's own token there: refused before the grant,
      // without saying where (a stranger learns nothing about the container).
      const before = await as(reader.token, 'get', `${path}/${c}/o`);
      expect([before.status, before.headers['x-ocx-provider']]).toEqual([403, undefined]);
      const grant = await as(owner.token, 'post', `${path}/${c}`).set('x-container-read', `${readerProject}:*`);
      expect(grant.status).toBe(204);
      const head = await as(owner.token, 'head', `${path}/${c}`);
      expect(head.headers['x-container-read']).toBe(`${readerProject}:*`);
      const read = await as(reader.token, 'get', `${path}/${c}/o`);
      expect([read.status, read.text, read.headers['x-ocx-provider']]).toEqual([200, 'shared', 'bu-keystone']);
      const anon = await as(undefined, 'get', `${path}/${c}/o`);
      expect([anon.status, anon.headers['x-ocx-provider']]).toEqual([401, undefined]);
    } finally {
      await as(owner.token, 'delete', `${path}/${c}/o`);
      await as(owner.token, 'delete', `${path}/${c}`);
    }
  });

  it('a public container there answers anonymous reads and listings; CORS preflight reaches it', async () => {
    const owner = await login('swiftusertest1', 'swifttenanttest1');
    const path = new URL(owner.storage).pathname;
    const c = `pubbu-${id}`;
    expect((await as(owner.token, 'put', `${path}/${c}@bu-keystone`)).status).toBe(201);
    try {
      expect(
        (await as(owner.token, 'put', `${path}/${c}/o`).set('content-type', 'text/plain').send('public')).status,
      ).toBe(201);
      expect((await as(undefined, 'get', `${path}/${c}/o`)).status).toBe(401);
      const pub = await as(owner.token, 'post', `${path}/${c}`)
        .set('x-container-read', '.r:*,.rlistings')
        .set('x-container-meta-access-control-allow-origin', 'http://example.test');
      expect(pub.status).toBe(204);
      const got = await as(undefined, 'get', `${path}/${c}/o`);
      expect([got.status, got.text, got.headers['x-ocx-provider']]).toEqual([200, 'public', 'bu-keystone']);
      const listing = await as(undefined, 'get', `${path}/${c}?format=json`);
      expect((listing.body as Array<{ name: string }>).map((r) => r.name)).toEqual(['o']);
      const preflight = await request(p.server)
        .options(`${path}/${c}/o`)
        .set('origin', 'http://example.test')
        .set('access-control-request-method', 'GET');
      expect([preflight.status, preflight.headers['access-control-allow-origin']]).toEqual([
        200,
        'http://example.test',
      ]);
      expect(JSON.stringify(got.headers) + JSON.stringify(listing.headers)).not.toContain('127.0.0.1:8082');
    } finally {
      await as(owner.token, 'delete', `${path}/${c}/o`);
      await as(owner.token, 'delete', `${path}/${c}`);
    }
  });
});

describe('lab: ACLs by default-domain names at bu-keystone', () => {
  it('`project_name:user_name` grants there as at home (sent as bu-keystone ids) and reads back as written', async () => {
    const owner = await login('swiftusertest1', 'swifttenanttest1');
    const reader = await login('swiftusertest2', 'swifttenanttest2');
    const path = new URL(owner.storage).pathname;
    const c = `aclname-${id}`;
    const as = (t: string, method: 'put' | 'get' | 'head' | 'post' | 'delete', url: string): request.Test =>
      request(p.server)[method](url).set('x-auth-token', t);
    expect((await as(owner.token, 'put', `${path}/${c}@bu-keystone`)).status).toBe(201);
    try {
      expect((await as(owner.token, 'put', `${path}/${c}/o`).send('by name')).status).toBe(201);
      expect((await as(reader.token, 'get', `${path}/${c}/o`)).status).toBe(403);
      const acl = 'swifttenanttest2:swiftusertest2';
      const grant = await as(owner.token, 'post', `${path}/${c}`).set('x-container-read', acl);
      expect(grant.status).toBe(204);
      expect((await as(owner.token, 'head', `${path}/${c}`)).headers['x-container-read']).toBe(acl);
      const read = await as(reader.token, 'get', `${path}/${c}/o`);
      expect([read.status, read.text]).toEqual([200, 'by name']);
    } finally {
      await as(owner.token, 'delete', `${path}/${c}/o`);
      await as(owner.token, 'delete', `${path}/${c}`);
    }
  });
});
