import { connect } from 'node:net';
import request from 'supertest';
import { passwordAuth } from '../support/harness';
import { startSwiftHarness, type SwiftHarness } from './object-store-support';

// Swift where its tools look for it (`/v1/AUTH_<project>` on the listener's root), and Swift's own answers for
// what the proxy refuses itself (docs/contract.md "One listener").

let s: SwiftHarness;
let root: string;
beforeAll(async () => {
  s = await startSwiftHarness();
  root = s.account.replace('/object-store', '');
});
afterAll(() => s.close());

/** One raw HTTP/1.1 exchange, so framing and the Connection header are exactly what is sent and received. */
function raw(head: string, body = ''): Promise<string> {
  const { port } = new URL(s.h.url);
  return new Promise((resolve, reject) => {
    const sock = connect(Number(port), '127.0.0.1', () => sock.write(head + body));
    let got = '';
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => {
      got += d;
      // One answer is enough: its headers end with a blank line and nothing below needs the body.
      if (got.includes('\r\n\r\n')) {
        sock.destroy();
        resolve(got);
      }
    });
    sock.on('error', reject);
    sock.setTimeout(5000, () => reject(new Error(`no answer: ${got}`)));
  });
}

describe('Swift at /v1 on the root', () => {
  it('the catalog advertises /v1/AUTH_<project> and the account answers there and at the /object-store alias', async () => {
    const login = await request(s.h.server)
      .post('/identity/v3/auth/tokens')
      .send(passwordAuth('demo', 'demo-secret', 'demo'));
    const swift = (login.body.token.catalog as Array<{ type: string; endpoints: Array<{ url: string }> }>).find(
      (c) => c.type === 'object-store',
    );
    expect(swift?.endpoints[0]?.url).toBe(`${s.h.url}${root}`);
    expect((await s.req('PUT', `${root}/rooted`)).status).toBe(201);
    expect((await s.req('PUT', `${root}/rooted/o`).set('content-type', 'text/plain').send('hello')).status).toBe(201);
    const viaAlias = await s.req('GET', `${s.account}/rooted/o`);
    expect(viaAlias.status).toBe(200);
    expect(viaAlias.text).toBe('hello');
    const listing = await s.req('GET', `${root}?format=json`);
    expect((listing.body as Array<{ name: string }>).map((r) => r.name)).toContain('rooted');
  });

  it('a version-only path is 412 "Bad URL" in plain text, as swob writes it', async () => {
    const res = await s.req('PUT', '/v1');
    expect(res.status).toBe(412);
    expect(res.text).toBe('Bad URL');
    expect(res.headers['content-type']).toBe('text/html; charset=UTF-8');
  });

  it('no token: 401 with the Swift challenge naming the account, and swob’s page', async () => {
    const res = await request(s.h.server).get(`${root}/c`);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(`Swift realm="${root.split('/')[2] as string}"`);
    expect(res.text).toBe(
      '<html><h1>Unauthorized</h1><p>This server could not verify that you are authorized to access the document you requested.</p></html>',
    );
  });

  it('an object PUT without Content-Length or chunked framing is 411, and the connection closes', async () => {
    const answer = await raw(
      `PUT ${root}/rooted/nolength HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${s.token}\r\nContent-Type: text/plain\r\n\r\n`,
      'testing',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 411 /);
    expect(answer).toMatch(/\r\nConnection: close\r\n/i);
    expect((await s.req('GET', `${root}/rooted/nolength`)).status).toBe(404);
  });

  it('names the connection only when the client asked for keep-alive, like Swift', async () => {
    const plain = await raw(`HEAD ${root} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${s.token}\r\n\r\n`);
    expect(plain).toMatch(/^HTTP\/1\.1 204 /);
    expect(plain).not.toMatch(/\r\nConnection:/i);
    const asked = await raw(
      `HEAD ${root} HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\nX-Auth-Token: ${s.token}\r\n\r\n`,
    );
    expect(asked).toMatch(/\r\nConnection: keep-alive\r\n/i);
  });
});

describe('header names as Swift writes them', () => {
  it('object metadata comes back title-cased on the wire', async () => {
    expect(
      (
        await s
          .req('PUT', `${root}/rooted/meta`)
          .set('x-object-meta-color', 'blUe')
          .set('content-type', 'text/plain')
          .send('x')
      ).status,
    ).toBe(201);
    const answer = await raw(`HEAD ${root}/rooted/meta HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${s.token}\r\n\r\n`);
    expect(answer).toMatch(/\r\nX-Object-Meta-Color: blUe\r\n/);
  });
});

describe('accounts other than the caller’s merged one go to home’s Swift, which decides', () => {
  const seenAt = (provider: string, marker: string): Array<{ url: string; headers: Record<string, unknown> }> =>
    s.h.demo.providers[provider]!.objectStore.requests.filter((r) => r.url.includes(marker)) as unknown as Array<{
      url: string;
      headers: Record<string, unknown>;
    }>;

  it('without any token: sent to home without a token, nowhere else, home’s answer relayed', async () => {
    await s.req('HEAD', root); // a session has shown home's storage URL
    const res = await request(s.h.server).get(`${root}/anon-marker/o`);
    expect(res.status).toBe(401);
    const atHome = seenAt('home', 'anon-marker');
    expect(atHome.map((r) => r.url.replace(/^\/object-store/, ''))).toEqual([
      `/v1/AUTH_${s.projectAt('home')}/anon-marker/o`,
    ]);
    expect(Object.keys(atHome[0]!.headers).map((h) => h.toLowerCase())).not.toContain('x-auth-token');
    expect(seenAt('bu-keystone', 'anon-marker')).toEqual([]);
    expect(seenAt('nu-keystone', 'anon-marker')).toEqual([]);
  });

  it("another project's account: sent to home as it is, with the caller's token there; home's 403 relayed", async () => {
    const res = await s.req('GET', '/v1/AUTH_someoneelse/acl-marker');
    expect(res.status).toBe(403);
    const atHome = seenAt('home', 'acl-marker');
    expect(atHome.map((r) => r.url.replace(/^\/object-store/, ''))).toEqual(['/v1/AUTH_someoneelse/acl-marker']);
    expect(atHome[0]!.headers['x-auth-token']).toBeDefined();
    expect(seenAt('bu-keystone', 'acl-marker')).toEqual([]);
    for (const climb of ['/v1/..', '/v1/.'])
      expect((await s.req('GET', `${climb}/c`)).status).toBeGreaterThanOrEqual(400);
  });
});

describe("container ACLs name the caller's project in the provider's ids there, the home ids to the client", () => {
  it('an ACL set on a container at bu-keystone is stored with the bu-keystone project id and read back with home’s', async () => {
    const home = s.projectAt('home');
    const bu = s.projectAt('bu-keystone');
    expect(
      (await s.req('PUT', `${root}/acl-bu@bu-keystone`).set('x-container-read', `${home}:*,.rlistings`)).status,
    ).toBe(201);
    const stored = s.swiftAt('bu-keystone').accounts.get(`AUTH_${bu}`)?.containers.get('acl-bu')?.meta[
      '\u0000acl-read'
    ];
    expect(stored).toBe(`${bu}:*,.rlistings`);
    const head = await s.req('HEAD', `${root}/acl-bu`);
    expect(head.headers['x-container-read']).toBe(`${home}:*,.rlistings`);
  });
});
