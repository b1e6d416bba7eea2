import request from 'supertest';
import type { FakeObjectStore } from '../../src/demo/fake-object-store';
import { passwordAuth, startHarness, type Harness } from '../support/harness';

/** The demo cloud behind the proxy, logged in as demo: what every object-store integration test starts from. */
export interface SwiftHarness {
  h: Harness;
  token: string;
  /** `/object-store/v1/AUTH_<home project id>` */
  account: string;
  /** Project id of `demo` at each provider. */
  projectAt(provider: string): string;
  swiftAt(provider: string): FakeObjectStore;
  req(method: string, path: string): request.Test;
  close(): Promise<void>;
}

export async function startSwiftHarness(
  providers = ['home', 'bu-keystone', 'nu-keystone'],
  config: Record<string, unknown> = {},
): Promise<SwiftHarness> {
  const h = await startHarness({ demo: { providers }, config });
  const login = await request(h.server)
    .post('/identity/v3/auth/tokens')
    .send(passwordAuth('demo', 'demo-secret', 'demo'));
  const token = login.headers['x-subject-token'] as string;
  const account = `/object-store/v1/AUTH_${login.body.token.project.id as string}`;
  return {
    h,
    token,
    account,
    projectAt: (p) => h.demo.providers[p]!.projects['demo']!,
    swiftAt: (p) => h.demo.providers[p]!.objectStore,
    req: (method, path) => {
      const agent = request(h.server);
      const url = path.startsWith('/') ? path : `${account}/${path}`;
      return agent[method.toLowerCase() as 'get'](url).set('x-auth-token', token);
    },
    close: () => h.close(),
  };
}

/** Names stored at a provider's fake Swift, for asserting where things landed. */
export function containersAt(s: SwiftHarness, provider: string): string[] {
  const acct = s.swiftAt(provider).accounts.get(`AUTH_${s.projectAt(provider)}`);
  return [...(acct?.containers.keys() ?? [])].sort();
}

export function objectsAt(s: SwiftHarness, provider: string, container: string): string[] {
  const acct = s.swiftAt(provider).accounts.get(`AUTH_${s.projectAt(provider)}`);
  return [...(acct?.containers.get(container)?.objects.keys() ?? [])].sort();
}

/** supertest's buffered binary body parser. */
export const binary = ((res: NodeJS.ReadableStream, cb: (err: Error | null, body: Buffer) => void): void => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
  res.on('error', (e: Error) => cb(e, Buffer.alloc(0)));
}) as unknown as Parameters<request.Test['parse']>[0];
