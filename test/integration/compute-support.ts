// Shared by the compute, volume and image integration tests: the demo cloud behind the real proxy wiring, and a
// password login through the proxy's Keystone.
import request from 'supertest';
import type { DemoProvider } from '../../src/demo/demo-cloud';
import type { RecordedRequest, RequestLog } from '../../src/demo/sim-http';
import { passwordAuth, startHarness, type Harness } from '../support/harness';

export { startHarness, type Harness };

export interface Login {
  token: string;
  /** The home project id (what the client sees everywhere). */
  projectId: string;
}

export async function login(h: Harness, user = 'demo', password = 'demo-secret', project = 'demo'): Promise<Login> {
  const res = await request(h.server)
    .post('/identity/v3/auth/tokens')
    .send(passwordAuth(user, password, project));
  if (res.status !== 201) throw new Error(`login ${user}: HTTP ${res.status} ${res.text}`);
  // The login's K2K warm-up (src/identity/warm-up.ts) is over before a test counts calls to the providers.
  await h.proxy.deps.warmUp?.idle();
  return { token: res.headers['x-subject-token'] as string, projectId: res.body.token.project.id as string };
}

/**
 * GET and POST through the proxy with the login's token and any extra headers. Takes getters: the harness and the
 * login are made in `beforeAll`, after the helpers are declared.
 */
export function asLogin(
  h: () => Harness,
  me: () => Login,
): {
  get: (path: string, headers?: Record<string, string>) => request.Test;
  post: (path: string, body: unknown, headers?: Record<string, string>) => request.Test;
} {
  return {
    get: (path, headers = {}) => request(h().server).get(path).set('x-auth-token', me().token).set(headers),
    post: (path, body, headers = {}) =>
      request(h().server)
        .post(path)
        .set('x-auth-token', me().token)
        .set(headers)
        .send(body as object),
  };
}

/**
 * The set-up of a file whose tests all run as the demo user against one harness: started in `beforeAll`, closed in
 * `afterAll`. Getters, since the harness and the login exist only once `beforeAll` has run; `bu` and `home` are
 * the two providers' fakes, `get` and `post` go through the proxy as the login (asLogin).
 */
export function demoLoginPerFile(): ReturnType<typeof asLogin> & {
  h: () => Harness;
  me: () => Login;
  bu: () => DemoProvider;
  home: () => DemoProvider;
} {
  let h: Harness;
  let me: Login;
  beforeAll(async () => {
    h = await startHarness();
    me = await login(h);
  });
  afterAll(() => h.close());
  return {
    h: () => h,
    me: () => me,
    bu: () => h.demo.providers['bu-keystone']!,
    home: () => h.demo.providers['home']!,
    ...asLogin(
      () => h,
      () => me,
    ),
  };
}

/** Requests a fake received after `from` (an index into its `requests`), matching method and path. */
export function received(list: RequestLog, from: number, method: string, path: RegExp): RecordedRequest[] {
  return list.slice(from).filter((r) => r.method === method && path.test(r.path));
}

export function tokenOf(r: RecordedRequest | undefined): string | undefined {
  const t = r?.headers['x-auth-token'];
  return Array.isArray(t) ? t[0] : t;
}
