// The home Keystone passthrough keeps the JSON body limit like every other JSON path: an oversized body is refused
// by the proxy with 413 before anything is sent to home, whether it says its length or is chunked. Otherwise any
// client streams arbitrarily large bodies into the home Keystone through the proxy.
import { startSession, type Session } from '../support/hostile-session';
import { startInstance, type ProxyInstance } from '../../support/proxy-instance';
import { sendRaw, type RawRequest, type RawResponse } from '../support/raw-http';
import { formatProblem } from '../support/service-format';
import { markUpstream, upstreamRequests } from '../support/upstream-record';

let s: Session;
beforeAll(async () => {
  s = await startSession(['home', 'bu-keystone']);
});
afterAll(() => s.close());

/** `{"user":{"name":"aaa…"}}` of about `bytes` bytes. */
const userBody = (bytes: number): string => JSON.stringify({ user: { name: 'a'.repeat(bytes) } });

function chunked(body: string): Buffer {
  const parts: string[] = [];
  for (let at = 0; at < body.length; at += 64 * 1024) {
    const part = body.slice(at, at + 64 * 1024);
    parts.push(`${Buffer.byteLength(part).toString(16)}\r\n${part}\r\n`);
  }
  return Buffer.from(parts.join('') + '0\r\n\r\n');
}

function post(token: string, body: string, framing: 'length' | 'chunked'): RawRequest {
  const headers: Array<[string, string]> = [
    ['X-Auth-Token', token],
    ['Content-Type', 'application/json'],
  ];
  if (framing === 'length') return { method: 'POST', path: '/identity/v3/users', headers, body };
  return {
    method: 'POST',
    path: '/identity/v3/users',
    headers: [...headers, ['Transfer-Encoding', 'chunked']],
    body: chunked(body),
  };
}

/** Calls the proxy made to home's Keystone, from its own /metrics (every upstream call is timed there). */
async function homeIdentityCalls(url: string): Promise<number> {
  const text = (await sendRaw(url, { method: 'GET', path: '/metrics' })).text;
  let n = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('ocx_upstream_duration_seconds_count{') && /provider="home"/.test(line)) {
      if (/service="identity"/.test(line)) n += Number(line.split(' ').pop());
    }
  }
  return n;
}

function expectTooLarge(res: RawResponse): void {
  expect(`${res.status} ${res.text.slice(0, 200)}`).toMatch(/^413 /);
  expect(formatProblem('identity', res)).toBeUndefined();
}

const userPosts = (mark: ReturnType<typeof markUpstream>) =>
  upstreamRequests(s.h, mark).filter((r) => r.provider === 'home' && r.path.endsWith('/v3/users'));

describe('a 3 MB body to POST /identity/v3/users (home passthrough)', () => {
  it.each(['length', 'chunked'] as const)('with %s framing: 413 from the proxy, nothing sent to home', async (f) => {
    // Authenticating also reads the project's provider choice at home (cached briefly): done first, so the count
    // below sees only what the oversized POST itself would send.
    expect(
      (
        await sendRaw(s.h.url, {
          method: 'GET',
          path: '/identity/v3/auth/projects',
          headers: [['X-Auth-Token', s.token]],
        })
      ).status,
    ).toBe(200);
    const mark = markUpstream(s.h);
    const before = await homeIdentityCalls(s.h.url);
    expectTooLarge(await sendRaw(s.h.url, post(s.token, userBody(3_000_000), f), 30_000));
    // The home fake would refuse 3 MB itself before recording it, so the proxy's own count of calls to home is
    // what shows nothing was sent.
    expect(await homeIdentityCalls(s.h.url)).toBe(before);
    expect(userPosts(mark)).toEqual([]);
  });
});

describe('a body over a smaller configured limit, which home itself would accept', () => {
  let p: ProxyInstance;
  let token = '';
  beforeAll(async () => {
    p = await startInstance({ ...s.h.demo.config, limits: { json_body: '64kb' } }, '(test)');
    token = s.token;
  });
  afterAll(() => p?.close());

  it.each(['length', 'chunked'] as const)('with %s framing: 413, and home never saw the request', async (f) => {
    const mark = markUpstream(s.h);
    expectTooLarge(await sendRaw(p.url, post(token, userBody(100_000), f)));
    expect(userPosts(mark).map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  it('a body within the limit is still passed through to home', async () => {
    const mark = markUpstream(s.h);
    const before = await homeIdentityCalls(p.url);
    const res = await sendRaw(p.url, post(token, userBody(1_000), 'length'));
    expect(res.status).not.toBe(413);
    // Also shows the count the 3 MB cases rely on does move when the proxy calls home.
    expect(await homeIdentityCalls(p.url)).toBeGreaterThan(before);
    expect(userPosts(mark).map((r) => `${r.method} ${r.path}`)).toEqual(['POST /identity/v3/users']);
  });
});
