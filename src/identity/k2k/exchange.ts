import type { UpstreamClient } from '../../upstream/client';
import type { HeaderBag } from '../../upstream/headers';
import type { ServiceProviderRef } from '../token-info';
import { K2kError } from './errors';

export interface FederatedToken {
  token: string;
}

/**
 * Steps 2–4 of keystoneauth1's Keystone2Keystone plugin (keystoneauth1/identity/v3/k2k.py): a SAML2 ECP assertion
 * from the home Keystone, handed to the provider's Shibboleth SP, whose session cookie buys an unscoped federated
 * token. Each assertion is single use, so nothing here is retried.
 */
export async function exchangeForFederatedToken(
  upstream: UpstreamClient,
  args: { homeName: string; homeKeystoneUrl: string; homeToken: string; provider: string; sp: ServiceProviderRef },
): Promise<FederatedToken> {
  const { provider, sp } = args;
  const ecp = await upstream.send({
    provider: args.homeName,
    service: 'identity',
    method: 'POST',
    url: `${args.homeKeystoneUrl}/v3/auth/OS-FEDERATION/saml2/ecp`,
    headers: { 'content-type': 'application/json', 'x-auth-token': args.homeToken },
    body: JSON.stringify({
      auth: {
        identity: { methods: ['token'], token: { id: args.homeToken } },
        scope: { service_provider: { id: sp.id } },
      },
    }),
  });
  if (ecp.status !== 200) {
    ecp.body.resume();
    throw new K2kError(provider, 'ecp-assertion', ecp.status);
  }
  const envelope = await ecp.text(1024 * 1024);

  // Do not follow the redirect: the session cookie on the 302 is all we need.
  const session = await upstream.send({
    provider,
    service: 'identity',
    method: 'POST',
    url: sp.spUrl,
    headers: { 'content-type': 'application/vnd.paos+xml' },
    body: envelope,
  });
  session.body.resume();
  const cookie = sessionCookie(session.headers);
  if (!cookie || session.status >= 400) throw new K2kError(provider, 'sp-session', session.status);

  const fed = await upstream.send({
    provider,
    service: 'identity',
    method: 'GET',
    url: sp.authUrl,
    headers: { cookie, accept: 'application/json' },
  });
  fed.body.resume();
  const token = first(fed.headers['x-subject-token']);
  if (fed.status !== 201 || !token) throw new K2kError(provider, 'federated-token', fed.status);
  return { token };
}

/** The `_shibsession_*` cookie(s) from Set-Cookie, as a Cookie header value. */
export function sessionCookie(headers: HeaderBag): string | undefined {
  const raw = headers['set-cookie'];
  const list = Array.isArray(raw) ? raw : raw ? [raw] : [];
  const pairs = list.map((c) => c.split(';')[0]?.trim() ?? '').filter((p) => p.startsWith('_shibsession_'));
  return pairs.length ? pairs.join('; ') : undefined;
}

export function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
