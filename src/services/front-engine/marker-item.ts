import type { Request } from 'express';
import { rewriteUrlsDeep } from '../../catalog/links';
import type { RequestContext } from '../../http/context';
import type { Caller } from '../../identity/caller';
import type { FrontClient } from './front-client';
import type { ListingSpec } from './listing-spec';
import { towardsClient, translateProjectIds } from './project-ids';
import type { Item } from './provider-page';

/**
 * The marker item itself (a show at its provider), for its sort values: the providers that do not own the marker
 * continue after it by those values. Undefined when the provider no longer has it.
 */
export async function fetchMarkerItem(
  client: FrontClient,
  req: Request,
  ctx: RequestContext,
  caller: Caller,
  spec: ListingSpec,
  provider: string,
  id: string,
): Promise<Item | undefined> {
  const { response, endpoint } = await client.send(req, ctx, caller, provider, (ep) => ({
    method: 'GET',
    url: spec.probe.url(ep, id),
    headers: spec.probe.headers,
  }));
  if (response.status !== 200) {
    response.body.resume();
    return undefined;
  }
  let raw: unknown;
  try {
    raw = await response.json();
  } catch {
    return undefined;
  }
  const doc = translateProjectIds(
    rewriteUrlsDeep(raw, endpoint.mappings),
    towardsClient(endpoint.homeProjectId, endpoint.providerProjectId),
  ) as Record<string, unknown> | null;
  const wrapped = spec.showKey ? doc?.[spec.showKey] : doc;
  return wrapped && typeof wrapped === 'object' ? (wrapped as Item) : undefined;
}
