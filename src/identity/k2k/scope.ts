import type { UpstreamClient } from '../../upstream/client';
import { parseTokenBody, type TokenInfo } from '../token-info';
import { K2kError } from './errors';
import { first } from './exchange';

export interface ScopedToken {
  token: string;
  info: TokenInfo;
}

/** Step 5: scope the federated token to the provider project (token method, project scope). */
export async function scopeToProject(
  upstream: UpstreamClient,
  args: { provider: string; keystoneUrl: string; federatedToken: string; projectId: string },
): Promise<ScopedToken> {
  const res = await upstream.send({
    provider: args.provider,
    service: 'identity',
    method: 'POST',
    url: `${args.keystoneUrl}/v3/auth/tokens`,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: { methods: ['token'], token: { id: args.federatedToken } },
        scope: { project: { id: args.projectId } },
      },
    }),
  });
  const token = first(res.headers['x-subject-token']);
  if (res.status !== 201 || !token) {
    res.body.resume();
    throw new K2kError(args.provider, 'scope', res.status);
  }
  const info = parseTokenBody(await res.json());
  if (!info) throw new K2kError(args.provider, 'scope', res.status);
  return { token, info };
}

/**
 * Project mapping (docs/contract.md "Projects"): an explicit config entry by home project id or name first, else the
 * project with the home project's name among those the federated user can see at the provider.
 */
export async function mapProject(
  upstream: UpstreamClient,
  args: {
    provider: string;
    keystoneUrl: string;
    federatedToken: string;
    homeProjectId: string;
    homeProjectName?: string;
    projectMap: Record<string, string>;
  },
): Promise<string> {
  const explicit =
    args.projectMap[args.homeProjectId] ?? (args.homeProjectName ? args.projectMap[args.homeProjectName] : undefined);
  if (explicit) return explicit;
  const res = await upstream.send({
    provider: args.provider,
    service: 'identity',
    method: 'GET',
    url: `${args.keystoneUrl}/v3/auth/projects`,
    headers: { 'x-auth-token': args.federatedToken, accept: 'application/json' },
  });
  if (res.status !== 200) {
    res.body.resume();
    throw new K2kError(args.provider, 'project-map', res.status);
  }
  const body = await res.json<{ projects?: Array<{ id: string; name: string; enabled?: boolean }> }>();
  const match = (body.projects ?? []).find((p) => p.name === args.homeProjectName && p.enabled !== false);
  if (!match) throw new K2kError(args.provider, 'project-map');
  return match.id;
}
