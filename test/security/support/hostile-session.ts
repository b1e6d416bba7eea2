import request from 'supertest';
import { HOME_USERS } from '../../../src/demo/demo-identity';
import { passwordAuth, startHarness, type Harness } from '../../support/harness';
import type { SessionIds } from './fronts';
import { sendRaw, type RawRequest, type RawResponse } from './raw-http';
import { collectSecrets, leaksIn } from './secrets';
import { markUpstream, upstreamRequests, type SeenUpstream } from './upstream-record';
import { flavourOfPath, formatProblem, type Flavour } from './service-format';

/** The demo cloud (three providers) behind the real proxy on a real port, and a logged-in `demo`. */
export interface Session {
  h: Harness;
  token: string;
  ids: SessionIds;
  /** `host:port` of every provider: none may appear in an answer. */
  providerHosts: string[];
  /** Strings that must never come back to a client or reach a log: the token, every password. */
  secrets: string[];
  close(): Promise<void>;
}

export async function startSession(providers = ['home', 'bu-keystone', 'nu-keystone']): Promise<Session> {
  const h = await startHarness({ demo: { providers } });
  const login = await request(h.server)
    .post('/identity/v3/auth/tokens')
    .send(passwordAuth('demo', 'demo-secret', 'demo'));
  if (login.status !== 201) throw new Error(`login failed: ${login.status} ${login.text}`);
  const token = login.headers['x-subject-token'] as string;
  // The login's K2K warm-up (src/identity/warm-up.ts) is over before a case counts calls to the providers.
  await h.proxy.deps.warmUp?.idle();
  const project = (login.body as { token: { project: { id: string } } }).token.project.id;
  return {
    h,
    token,
    ids: { project },
    providerHosts: Object.values(h.demo.providers).map((p) => new URL(p.baseUrl).host),
    secrets: [token, ...Object.values(HOME_USERS).map(([password]) => password)],
    close: () => h.close(),
  };
}

/** A request with the session's token (unless the case sets `auth: false`). */
export function authed(s: Session, req: RawRequest, auth = true): RawRequest {
  return auth ? { ...req, headers: [['X-Auth-Token', s.token], ...(req.headers ?? [])] } : req;
}

export interface HostileCase {
  name: string;
  /** The request; a Buffer is sent as is (hand-framed bytes). */
  request(s: Session): RawRequest | Buffer;
  /** Statuses that are right for this case (what the real service answers). */
  expect: readonly number[];
  /** Error format (default: from the path, like the proxy decides it). */
  flavour?: Flavour;
  /** How long the answer may take (default 15 s); a refusal that needs no body must come at once. */
  timeoutMs?: number;
  /** Further checks on the answer and on what reached the providers while the case ran (`upstream`). */
  check?(res: RawResponse, s: Session, upstream: SeenUpstream[]): void | Promise<void>;
}

const statusLine = (res: RawResponse): string => `${res.status} ${res.text.slice(0, 300)}`;

/** What holds for every answer to every hostile case. */
export function assertSafeAnswer(c: HostileCase, res: RawResponse, s: Session, path: string | undefined): void {
  expect({ case: c.name, status: res.status, body: res.text.slice(0, 300) }).toEqual(
    expect.objectContaining({ status: expect.toBeOneOf(c.expect) }),
  );
  if (res.status >= 400 && res.status < 500) {
    const flavour = c.flavour ?? flavourOfPath(path ?? '/');
    expect({ case: c.name, formatProblem: formatProblem(flavour, res), answer: statusLine(res) }).toEqual(
      expect.objectContaining({ formatProblem: undefined }),
    );
  }
  const everything = res.head + '\r\n\r\n' + res.text;
  for (const host of s.providerHosts) expect(everything).not.toContain(host);
  for (const secret of s.secrets) expect(everything).not.toContain(secret);
  // Every header-injection case tries to smuggle this header in; it must never come back as a header.
  expect(res.headers['x-injected']).toBeUndefined();
}

/** Proves the server keeps serving: liveness, an authenticated call, a merged listing per front, no 5xx logged. */
export async function assertStillServing(s: Session, logsBefore: number): Promise<void> {
  const health = await sendRaw(s.h.url, { method: 'GET', path: '/healthz' });
  expect(health.status).toBe(200);
  const calls = [
    '/identity/v3/auth/projects',
    '/compute/v2.1/servers',
    `/volume/v3/${s.ids.project}/volumes`,
    '/image/v2/images',
    `/object-store/v1/AUTH_${s.ids.project}?format=json`,
  ];
  for (const path of calls) {
    const res = await sendRaw(s.h.url, authed(s, { method: 'GET', path }));
    expect({ path, status: res.status, partial: res.headers['x-ocx-partial'] }).toEqual({
      path,
      status: 200,
      partial: undefined,
    });
  }
  const serverErrors = s.h.logs.slice(logsBefore).filter((l) => /"status":5\d\d/.test(l));
  expect(serverErrors).toEqual([]);
  // Hostile input must not make the proxy log a credential either.
  const secrets = collectSecrets(
    s.h,
    s.secrets.map((value) => ({ kind: 'token' as const, value, source: 'session' })),
  );
  expect(s.h.logs.flatMap((line) => leaksIn(line, secrets))).toEqual([]);
  // JSON bodies with "__proto__"/"constructor" keys must not have polluted anything.
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
}

/**
 * Declares one batch: a test per case, then a test that the server still serves. Cases are built lazily from
 * the session (ids and token exist only once it started).
 */
export function hostileBatch(title: string, cases: HostileCase[], session: () => Session): void {
  describe(title, () => {
    let logsBefore = 0;
    beforeAll(() => {
      logsBefore = session().h.logs.length;
    });
    for (const c of cases) {
      it(c.name, async () => {
        const s = session();
        const req = c.request(s);
        const mark = markUpstream(s.h);
        const res = await sendRaw(s.h.url, req, c.timeoutMs);
        assertSafeAnswer(c, res, s, Buffer.isBuffer(req) ? requestPath(req) : req.path);
        await c.check?.(res, s, upstreamRequests(s.h, mark));
      });
    }
    it(`after ${cases.length} cases the server keeps serving`, async () => {
      await assertStillServing(session(), logsBefore);
    });
  });
}

function requestPath(bytes: Buffer): string | undefined {
  return /^[A-Z]+ (\S+)/.exec(bytes.toString('latin1'))?.[1];
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      toBeOneOf(values: readonly unknown[]): R;
    }
    interface Expect {
      toBeOneOf(values: readonly unknown[]): unknown;
    }
    interface InverseAsymmetricMatchers {
      toBeOneOf(values: readonly unknown[]): unknown;
    }
  }
}

expect.extend({
  toBeOneOf(received: unknown, values: readonly unknown[]) {
    const pass = values.includes(received);
    return {
      pass,
      message: () => `expected ${String(received)} ${pass ? 'not ' : ''}to be one of ${values.join(', ')}`,
    };
  },
});
