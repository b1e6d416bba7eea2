// Helpers for the demo-fake tests: a started demo cloud and password logins with plain fetch (Node 20 global).
import { startDemoCloud } from '../../../src/demo/demo-cloud';
import type { DemoCloud, DemoCloudOptions } from '../../../src/demo/demo-cloud';

export async function withCloud(opts?: DemoCloudOptions): Promise<DemoCloud> {
  return startDemoCloud(opts);
}

export function passwordBody(user: string, password: string, project?: string): Record<string, unknown> {
  const auth: Record<string, unknown> = {
    identity: { methods: ['password'], password: { user: { name: user, domain: { name: 'Default' }, password } } },
  };
  if (project) auth.scope = { project: { name: project, domain: { id: 'default' } } };
  return { auth };
}

export async function login(
  identityUrl: string,
  user: string,
  password: string,
  project?: string,
): Promise<{ token: string; body: TokenBody }> {
  const res = await fetch(`${identityUrl}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(passwordBody(user, password, project)),
  });
  if (res.status !== 201) throw new Error(`login ${user} -> ${res.status}`);
  return { token: res.headers.get('x-subject-token') ?? '', body: (await res.json()) as TokenBody };
}

export interface TokenBody {
  token: {
    methods: string[];
    user: { id: string; name: string; domain: { id: string; name: string }; 'OS-FEDERATION'?: unknown };
    audit_ids: string[];
    expires_at: string;
    issued_at: string;
    project?: { id: string; name: string; domain: { id: string; name: string } };
    roles?: { id: string; name: string }[];
    catalog?: { type: string; name: string; id: string; endpoints: { interface: string; url: string }[] }[];
    service_providers?: { id: string; sp_url: string; auth_url: string }[];
  };
}

export function json(body: unknown): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
