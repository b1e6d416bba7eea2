import type { Request, Response } from 'express';
import type { Config } from '../../config/types';
import type { RequestContext } from '../../http/context';
import type { UpstreamClient } from '../../upstream/client';
import { withProxyIdentity } from '../../upstream/headers';
import { hasBody } from '../../http/body';
import { relay } from './relay';
import { forwardableHeaders } from './swift-client';
import type { SwiftCall } from './swift-call';
import type { SwiftTarget } from './swift-path';
import { containerUrl, objectUrl, withAccount } from './upstream-url';

/**
 * Requests on an account that is not the caller's own merged account: another project's account (container
 * ACLs granting the caller, copies between accounts) or, without any token, a public container, a CORS preflight
 * or a signed (TempURL/FormPost) request. They go to the home provider only, as they are: home's Swift accounts
 * are named by home project ids, the very ids the proxy's accounts carry, so the path, ACL values and
 * `*-Account` headers mean there what they meant to the client, and home's Swift allows or refuses them by its own
 * ACLs, with the caller's own provider token (or none), and for a `SERVICE_`-prefixed account the client's
 * X-Service-Token as well. No other provider is asked: what another project's account
 * is called there is only known from that project's own sessions, and a provider never sees a request for an
 * account it was not named for.
 */
export async function foreignAccountRequest(call: SwiftCall, target: SwiftTarget): Promise<void> {
  const home = call.client.home;
  const streamed = hasBody(call.req.headers);
  const headers = forwardableHeaders(call.req.headers);
  // A service token (keystoneauth's `SERVICE_` reseller prefix: the user's token plus a service's) is a home
  // credential like the user's own home token: it goes back to home only, which judges both.
  const serviceToken = call.req.headers['x-service-token'];
  if (typeof serviceToken === 'string') headers['x-service-token'] = serviceToken;
  const up = await call.client.send(home, {
    method: call.req.method,
    account: target.account,
    container: target.level === 'account' ? undefined : target.container,
    object: target.level === 'object' ? target.object : undefined,
    query: call.query,
    headers,
    body: streamed ? call.req : undefined,
    replayable: !streamed,
  });
  const callerBase = await call.client.baseUrl(home);
  const view = {
    provider: home,
    providerBase: withAccount(callerBase, target.account),
    proxyBase: withAccount(call.proxyBase, target.account),
  };
  await relay(call.res, call.client.ctx, up, view, call.req.method);
}

export interface AnonymousCall {
  req: Request;
  res: Response;
  ctx: RequestContext;
  config: Config;
  upstream: UpstreamClient;
  /** Home's Swift URL for some account (config override, or a storage URL home's catalog gave a session). */
  homeBase: string;
  /** `{public_url}{mount}/{version}` as the client addressed Swift. */
  proxyRoot: string;
  query: string;
}

/** A request without any token, sent to home's Swift without any token either (see above). */
export async function anonymousRequest(a: AnonymousCall, target: SwiftTarget): Promise<void> {
  const base = withAccount(a.homeBase, target.account);
  const url =
    target.level === 'account'
      ? base + a.query
      : target.level === 'container'
        ? containerUrl(base, target.container, a.query)
        : objectUrl(base, target.container, target.object, a.query);
  const streamed = hasBody(a.req.headers);
  const up = await a.upstream.send({
    provider: a.config.home,
    service: 'object-store',
    method: a.req.method,
    url,
    headers: withProxyIdentity(forwardableHeaders(a.req.headers), a.ctx),
    body: streamed ? a.req : undefined,
    signal: a.ctx.signal,
  });
  const view = { provider: a.config.home, providerBase: base, proxyBase: `${a.proxyRoot}/${target.account}` };
  await relay(a.res, a.ctx, up, view, a.req.method);
}
