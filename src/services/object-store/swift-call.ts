import type { Request, Response } from 'express';
import { targetedProvider } from '../../location/provider-header';
import { parseAtProvider } from '../../location/parse-at-provider';
import type { UpstreamResponse } from '../../upstream/client';
import type { SwiftLimits } from './constraints';
import type { ContainerLocator, ContainerRef } from './container-locator';
import { relay } from './relay';
import type { AccountView } from './response-headers';
import type { SwiftClient } from './swift-client';

/** Everything one object-store request works with, created fresh per request. */
export interface SwiftCall {
  req: Request;
  res: Response;
  client: SwiftClient;
  locator: ContainerLocator;
  /** The proxy's account (`AUTH_<home project id>`), as the client addressed it. */
  account: string;
  /** The proxy's account URL: `{public_url}/object-store/v1/AUTH_<home project id>`. */
  proxyBase: string;
  /** The raw query string of the client's request, with its "?" ('' when none). */
  query: string;
  /** Swift's name and metadata limits as the merged /info states them (defaults until it is known). */
  limits: SwiftLimits;
}

export async function viewOf(call: SwiftCall, provider: string): Promise<AccountView> {
  return {
    provider,
    providerBase: await call.client.baseUrl(provider),
    proxyBase: call.proxyBase,
    homeIds: call.client.homeIds(provider),
    written: call.client.written(provider, call.account),
  };
}

export async function relayFrom(call: SwiftCall, provider: string, up: UpstreamResponse): Promise<void> {
  await relay(call.res, call.client.ctx, up, await viewOf(call, provider), call.req.method);
}

/**
 * A container name as the client wrote it: `name@provider` addresses that provider alone; otherwise the
 * `X-OCX-Provider` header may target one (docs/contract.md "Naming a provider", "Headers").
 */
export function containerRef(call: Pick<SwiftCall, 'req' | 'client'>, raw: string): ContainerRef {
  const names = call.client.names;
  const at = parseAtProvider(raw, names);
  const header = targetedProvider(call.req.headers['x-ocx-provider'], names);
  return { name: at.id, provider: at.provider ?? header };
}

/** One query parameter of the client's request (first value), decoded. */
export function queryParam(call: Pick<SwiftCall, 'query'>, name: string): string | undefined {
  return new URLSearchParams(call.query).get(name) ?? undefined;
}
