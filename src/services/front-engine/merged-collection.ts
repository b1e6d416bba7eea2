import type { Request, Response } from 'express';
import { rewriteUrlsDeep } from '../../catalog/links';
import { ProviderUnavailable } from '../../errors/errors';
import { fanOut, partialHeader } from '../../fanout/fan-out';
import { contextOf } from '../../http/context';
import type { Front } from './front';
import { isUnmapped } from '../../identity/k2k/errors';
import { ServiceAbsent } from './front-client';
import { joinPath, rawQuery } from './path-segments';
import { towardsClient, translateProjectIds } from './project-ids';
import { pickMicroversionHeaders } from './microversion-headers';
import type { HeaderBag } from '../../upstream/headers';

export interface ProviderDoc {
  provider: string;
  doc: Record<string, unknown>;
}

/**
 * A small collection that is not paged (volume types, availability zones) asked of every provider and combined
 * by `combine` (pure). Failed providers are reported in `X-OCX-Partial` like any merged listing.
 */
export async function serveCombined(
  front: Front,
  req: Request,
  res: Response,
  segments: readonly string[],
  combine: (docs: readonly ProviderDoc[]) => unknown,
): Promise<void> {
  const ctx = contextOf(res.locals);
  const caller = await front.caller(req);
  const targeted = front.targeted(req);
  const providers = targeted ? [targeted] : front.client.providers;
  const result = await fanOut(
    providers,
    async (provider, signal): Promise<{ doc: Record<string, unknown>; headers: HeaderBag }> => {
      const { response, endpoint } = await front.client.send(
        req,
        ctx,
        caller,
        provider,
        (ep) => ({ method: 'GET', url: ep.base + joinPath(segments) + rawQuery(req.originalUrl) }),
        { signal },
      );
      if (response.status !== 200) {
        response.body.resume();
        throw new ProviderUnavailable(provider, `answered HTTP ${response.status}`);
      }
      const raw = rewriteUrlsDeep(await response.json(), endpoint.mappings);
      const pair = towardsClient(endpoint.homeProjectId, endpoint.providerProjectId);
      return { doc: translateProjectIds(raw, pair) as Record<string, unknown>, headers: response.headers };
    },
    { signal: ctx.signal, deadline: ctx.deadline },
  );
  const failed = result.failed.filter((f) => !(f.error instanceof ServiceAbsent) && !isUnmapped(f.error));
  if (result.ok.length === 0 || (failed.length && front.deps.config.strictListings)) {
    throw new ProviderUnavailable(partialHeader(failed) ?? providers.join(','), 'could not be listed');
  }
  const partial = partialHeader(failed);
  if (partial) res.setHeader('X-OCX-Partial', partial);
  res.set(
    pickMicroversionHeaders(
      result.ok.map((r) => ({ provider: r.provider, headers: r.value.headers })),
      front.home,
    ),
  );
  res.status(200).json(combine(result.ok.map((r) => ({ provider: r.provider, doc: r.value.doc }))));
}
