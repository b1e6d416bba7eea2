// An absolute-form request target (`GET http://x/compute/v2.1/servers HTTP/1.1`, RFC 9112 §3.2.2) must be served
// exactly as its origin-form path: same resource, and the log records the path that ran. Otherwise audit logs and
// path-based rules in front of the proxy see one path while another one is served. The named host is never used.
import { startSession, type Session } from '../support/hostile-session';
import { sendRaw, type RawResponse } from '../support/raw-http';

let s: Session;
beforeAll(async () => {
  s = await startSession(['home', 'bu-keystone']);
});
afterAll(() => s.close());

const get = (path: string): Promise<RawResponse> =>
  sendRaw(s.h.url, { method: 'GET', path, headers: [['X-Auth-Token', s.token]] });

/** The access-log lines (one per request) the proxy wrote since `from`. */
function accessLines(from: number): Array<{ method: string; path: string; status: number }> {
  return s.h.logs
    .slice(from)
    .map((l) => {
      try {
        return JSON.parse(l) as { method?: string; path?: string; status?: number };
      } catch {
        return {};
      }
    })
    .filter((l): l is { method: string; path: string; status: number } => typeof l.status === 'number' && !!l.path);
}

/** Sends `target` raw and its origin form, and returns both answers and what the log said for the first. */
async function both(target: string): Promise<{ abs: RawResponse; origin: RawResponse; logged: string[] }> {
  const from = s.h.logs.length;
  const abs = await sendRaw(s.h.url, { method: 'GET', path: target, headers: [['X-Auth-Token', s.token]] });
  const logged = accessLines(from).map((l) => `${l.method} ${l.path} ${l.status}`);
  const origin = await get(new URL(target).pathname);
  return { abs, origin, logged };
}

const ids = (res: RawResponse, key: string): string[] =>
  ((JSON.parse(res.text) as Record<string, Array<{ id: string }>>)[key] ?? []).map((x) => x.id).sort();

describe('absolute-form request targets', () => {
  it('GET http://x/compute/v2.1/servers is the server list, not the versions document', async () => {
    const { abs, origin, logged } = await both('http://x/compute/v2.1/servers');
    expect(`${abs.status} ${abs.text.slice(0, 200)}`).toMatch(/^200 /);
    expect(JSON.parse(abs.text)).toHaveProperty('servers');
    expect(ids(abs, 'servers')).toEqual(ids(origin, 'servers'));
    expect(ids(abs, 'servers').length).toBeGreaterThan(0);
    expect(logged).toEqual(['GET /compute/v2.1/servers 200']);
  });

  it('GET http://a/volume/v3/<project>/volumes is the volume list', async () => {
    const path = `/volume/v3/${s.ids.project}/volumes`;
    const { abs, origin, logged } = await both(`http://a${path}`);
    expect(`${abs.status} ${abs.text.slice(0, 200)}`).toMatch(/^200 /);
    expect(ids(abs, 'volumes')).toEqual(ids(origin, 'volumes'));
    expect(ids(abs, 'volumes').length).toBeGreaterThan(0);
    expect(logged).toEqual([`GET ${path} 200`]);
  });

  it('GET http://x/identity/v3/projects answers like /identity/v3/projects, not with the 300 versions document', async () => {
    const { abs, origin, logged } = await both('http://x/identity/v3/projects');
    expect(abs.status).not.toBe(300);
    expect(abs.status).toBe(origin.status);
    expect(abs.text).toBe(origin.text);
    expect(logged).toEqual([`GET /identity/v3/projects ${abs.status}`]);
  });

  it('GET http://x/identity/AAAAAAA/v3/auth/catalog is a 404, not the catalog', async () => {
    const { abs, origin, logged } = await both('http://x/identity/AAAAAAA/v3/auth/catalog');
    expect(`${abs.status} ${abs.text.slice(0, 200)}`).toMatch(/^404 /);
    expect(abs.text).not.toContain('"catalog"');
    expect(origin.status).toBe(404);
    expect(logged).toEqual(['GET /identity/AAAAAAA/v3/auth/catalog 404']);
  });

  it('GET http://x/identity/v3/../../compute/v2.1/servers is logged as the compute path it ran', async () => {
    // The URL parser resolves the dot segments, so this is the server list; a log naming an identity path would
    // hide from an audit that Nova was called.
    const { abs, logged } = await both('http://x/identity/v3/../../compute/v2.1/servers');
    expect(`${abs.status} ${abs.text.slice(0, 200)}`).toMatch(/^200 /);
    expect(JSON.parse(abs.text)).toHaveProperty('servers');
    expect(logged).toEqual(['GET /compute/v2.1/servers 200']);
  });

  it('the named host is never contacted and never appears in the answer', async () => {
    const { abs } = await both('http://evil.example:18999/compute/v2.1/servers');
    expect(abs.status).toBe(200);
    expect(abs.text).not.toContain('evil.example');
    for (const host of s.providerHosts) expect(abs.text).not.toContain(host);
  });
});
