import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ProviderUnavailable } from '../../errors/errors';
import { partialHeader } from '../../fanout/fan-out';
import { contextOf } from '../../http/context';
import type { Front } from '../front-engine/front';
import { rawQuery, splitPath } from '../front-engine/path-segments';
import { getFromEach } from './provider-json';
import { sumLimitsDocs, sumQuotaSetDocs } from './quota-sum';

/** The paths the quota handler answers, per front (Nova's below /v2.1, Cinder's below /v3/{project}). */
export const QUOTA_PATHS = {
  compute: ['/v2.1/limits', '/v2.1/os-quota-sets/:target', '/v2.1/os-quota-sets/:target/detail'],
  volume: ['/v3/:project/limits', '/v3/:project/os-quota-sets/:target'],
} as const;

/**
 * Nova's and Cinder's limits and quota sets summed over the caller's providers (quota-sum.ts). Targeted at one
 * provider (X-OCX-Provider), about another project, or asking for another tenant's limits, the call is the
 * front's as before: that one provider answers alone.
 */
export function summedQuotas(front: Front): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    serve(front, req, res, next).catch(next);
  };
}

async function serve(front: Front, req: Request, res: Response, next: NextFunction): Promise<void> {
  if (req.headers['x-ocx-provider'] !== undefined || req.query['tenant_id'] !== undefined) return next();
  const caller = await front.caller(req);
  const project = caller.info.projectId;
  const routeProject = req.params['project'];
  const target = req.params['target'];
  if (!project || (routeProject !== undefined && routeProject !== project && routeProject !== caller.projectAlias))
    return next();
  if (target !== undefined && target !== project) return next();
  const all = splitPath(req.path);
  // Below the versioned base: Nova's after "v2.1", Cinder's after "v3/{project}".
  const segments = front.service === 'compute' ? all.slice(1) : all.slice(2);
  const ctx = contextOf(res.locals);
  const result = await getFromEach(front.client, req, ctx, caller, front.client.providers, {
    segments,
    query: rawQuery(req.originalUrl),
  });
  if (result.ok.length === 0 || (result.failed.length && front.deps.config.strictListings)) {
    throw new ProviderUnavailable(
      partialHeader(result.failed) ?? front.client.providers.join(','),
      'could not be asked',
    );
  }
  const partial = partialHeader(result.failed);
  if (partial) res.setHeader('X-OCX-Partial', partial);
  const docs = result.ok.map((r) => r.value);
  res.status(200).json(segments[0] === 'limits' ? sumLimitsDocs(docs) : sumQuotaSetDocs(docs, project));
}
