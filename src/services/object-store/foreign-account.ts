import type { Request, Response } from 'express';
import type { Config } from '../../config/types';
import type { RequestContext } from '../../http/context';
import { parseAtProvider } from '../../location/parse-at-provider';
import type { UpstreamClient, UpstreamResponse } from '../../upstream/client';
import { withProxyIdentity, type HeaderBag } from '../../upstream/headers';
import { hasBody } from '../../http/body';
import type { ContainerLocator } from './container-locator';
import { relay } from './relay';
import { rewriteRequestHeaders } from './request-headers';
import type { SigningKeys } from './signing-keys';
import { forwardableHeaders } from './swift-client';
import type { SwiftCall } from './swift-call';
import { parseContainerObject, swiftUnquote, type SwiftTarget } from './swift-path';
import { accountOf, containerUrl, objectUrl, withAccount } from './upstream-url';

/**
 * Requests on an account that is not the caller's own merged account: another project's account (container
 * ACLs granting the caller, copies between accounts) or, without any token, a public container, a CORS preflight.
 * The provider that holds the container decides, by its own ACLs, with the caller's own provider token (or none):
 * the proxy only chooses where to send them, from what the owning project's own use through the proxy recorded
 * (the container's location, the project's account URL at each provider from its sessions' catalogs:
 * signing-keys.ts) — never from anything in the request. Home is the fallback when nothing is known: home's Swift
 * accounts are named by home project ids, the very ids the proxy's accounts carry, so there the request goes as it
 * was sent (a `SERVICE_`-prefixed account with the client's X-Service-Token as well, to home only). At another
 * provider the accounts the request names become that provider's accounts of the same projects; one it has none
 * known for is refused (403), so a provider never sees an account id that means something else there.
 */
export interface KnownPlaces {
  locator: ContainerLocator;
  keys: SigningKeys;
}

/** One provider that may hold another project's container: the project's account there and its URL. */
export interface Place {
  provider: string;
  account: string;
  /** The account's URL at the provider (absent at home: the caller's home URL with the account swapped). */
  base?: string;
}

/**
 * The providers holding another project's container as that project's own use recorded them (its recorded
 * location, else where it was seen, else every provider), in priority order, limited to those where the project's
 * account is known (home always). `container@provider` names that provider.
 */
export async function placesOf(
  known: KnownPlaces,
  config: Pick<Config, 'home' | 'providers'>,
  account: string,
  container: string | undefined,
): Promise<{ places: Place[]; container?: string }> {
  const home: Place = { provider: config.home, account };
  const project = /^AUTH_(.+)$/.exec(account)?.[1];
  if (!project || container === undefined) return { places: [home], container };
  const order = config.providers.map((p) => p.name);
  const at = parseAtProvider(container, order);
  const [recorded, seen, bases] = await Promise.all([
    at.provider ? [at.provider] : known.locator.recordedHolders(project, at.id),
    known.keys.seenAt(project, at.id),
    known.keys.bases(project),
  ]);
  // Nothing known about the container: it may be wherever the project has an account (home first, by priority).
  const holders = recorded ?? (seen.length ? seen : order);
  const places = order
    .filter((p) => holders.includes(p) && (p === config.home || bases[p] !== undefined))
    .map((p): Place => {
      const base = bases[p];
      return p === config.home || base === undefined ? home : { provider: p, account: accountOf(base), base };
    });
  return { places: places.length ? places : [home], container: at.id };
}

const ACCOUNT_REFS = [
  { account: 'x-copy-from-account', ref: 'x-copy-from' },
  { account: 'destination-account', ref: 'destination' },
] as const;

export async function foreignAccountRequest(call: SwiftCall, target: SwiftTarget, known: KnownPlaces): Promise<void> {
  const route = await routeAway(call, target, known);
  if (route) return sendAway(call, target, route);
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
    quietRefusals: true,
  };
  await relay(call.res, call.client.ctx, up, view, call.req.method);
}

interface Route {
  provider: string;
  /** The container as the provider names it (`@provider` suffix gone). */
  container?: string;
  /** The proxy's account names the request uses -> the provider's. */
  accounts: Map<string, string>;
}

/**
 * The one provider other than home that holds every container the request names (the path's, and the source or
 * destination of a copy naming another account), or undefined for home.
 */
async function routeAway(call: SwiftCall, target: SwiftTarget, known: KnownPlaces): Promise<Route | undefined> {
  if (target.level === 'account') return undefined;
  const names: { account: string; container: string }[] = [{ account: target.account, container: target.container }];
  for (const h of ACCOUNT_REFS) {
    const account = header(call.req, h.account);
    const ref = header(call.req, h.ref);
    const parsed = ref === undefined ? undefined : safe(() => parseContainerObject(ref));
    if (account !== undefined && parsed)
      names.push({ account: safe(() => swiftUnquote(account.trim())) ?? account, container: parsed.container });
  }
  const accounts = new Map<string, string>();
  let candidates: string[] | undefined;
  let container: string | undefined;
  for (const [i, n] of names.entries()) {
    let at: string[];
    if (n.account === call.account) {
      const held = (await call.locator.holders(call.client, { name: n.container })).providers;
      // A container of the caller's that does not exist: any provider answers that as Swift does (404).
      at = held.length ? held : call.client.names;
    } else {
      const found = await placesOf(known, call.client.deps.config, n.account, n.container);
      at = found.places.map((p) => p.provider);
      for (const p of found.places)
        if (p.provider !== call.client.home) accounts.set(`${p.provider}\0${n.account}`, p.account);
      if (i === 0) container = found.container;
    }
    candidates = candidates === undefined ? at : candidates.filter((p) => at.includes(p));
  }
  const provider = candidates?.[0];
  if (provider === undefined || provider === call.client.home) return undefined;
  const there = new Map<string, string>();
  for (const n of names) {
    const a = n.account === call.account ? undefined : accounts.get(`${provider}\0${n.account}`);
    if (a !== undefined) there.set(n.account, a);
  }
  return { provider, container: container ?? target.container, accounts: there };
}

async function sendAway(call: SwiftCall, target: SwiftTarget, route: Route): Promise<void> {
  const { provider } = route;
  const callerBase = await call.client.baseUrl(provider);
  const headers = rewriteRequestHeaders(forwardableHeaders(call.req.headers), {
    provider,
    providers: call.client.names,
    proxyAccount: call.account,
    providerAccount: accountOf(callerBase),
    otherAccounts: route.accounts,
  });
  const account = target.account === call.account ? undefined : route.accounts.get(target.account);
  const streamed = hasBody(call.req.headers);
  const up = await call.client.send(provider, {
    method: call.req.method,
    account,
    container: route.container,
    object: target.level === 'object' ? target.object : undefined,
    query: call.query,
    headers,
    body: streamed ? call.req : undefined,
    replayable: !streamed,
  });
  const view = {
    provider,
    providerBase: account === undefined ? callerBase : withAccount(callerBase, account),
    proxyBase: withAccount(call.proxyBase, target.account),
    homeIds: call.client.homeIds(provider),
    written: call.client.written(provider, target.account),
    quietRefusals: true,
  };
  await relay(call.res, call.client.ctx, up, view, call.req.method);
}

export interface AnonymousCall {
  req: Request;
  res: Response;
  ctx: RequestContext;
  config: Config;
  upstream: UpstreamClient;
  known: KnownPlaces;
  /** Home's Swift URL for some account (config override, or a storage URL home's catalog gave a session). */
  homeBase: string;
  /** `{public_url}{mount}/{version}` as the client addressed Swift. */
  proxyRoot: string;
  query: string;
}

/**
 * A request without any token, sent without any token either, to the provider holding the container (see
 * above); a body-less request on a container several providers hold tries them in turn while they answer 404.
 */
export async function anonymousRequest(a: AnonymousCall, target: SwiftTarget): Promise<void> {
  const found = await placesOf(
    a.known,
    a.config,
    target.account,
    target.level === 'account' ? undefined : target.container,
  );
  const streamed = hasBody(a.req.headers);
  const places = streamed ? found.places.slice(0, 1) : found.places;
  for (const [i, place] of places.entries()) {
    const base = place.base ?? withAccount(a.homeBase, target.account);
    const container = found.container ?? '';
    const url =
      target.level === 'account'
        ? base + a.query
        : target.level === 'container'
          ? containerUrl(base, container, a.query)
          : objectUrl(base, container, target.object, a.query);
    const up: UpstreamResponse = await a.upstream.send({
      provider: place.provider,
      service: 'object-store',
      method: a.req.method,
      url,
      headers: withProxyIdentity(forwardableHeaders(a.req.headers), a.ctx) as HeaderBag,
      body: streamed ? a.req : undefined,
      signal: a.ctx.signal,
    });
    if (up.status === 404 && i < places.length - 1) {
      up.body.resume();
      continue;
    }
    const view = {
      provider: place.provider,
      providerBase: base,
      proxyBase: `${a.proxyRoot}/${target.account}`,
      quietRefusals: true,
    };
    return relay(a.res, a.ctx, up, view, a.req.method);
  }
}

function header(req: Request, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
