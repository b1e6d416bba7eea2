import type { Request } from 'express';
import { rewriteUrlsDeep } from '../../catalog/links';
import { ProviderUnavailable } from '../../errors/errors';
import { fanOut, type FanOutResult } from '../../fanout/fan-out';
import type { RequestContext } from '../../http/context';
import { isUnmapped } from '../../identity/k2k/errors';
import type { Caller } from '../../identity/caller';
import { ServiceAbsent, type FrontClient } from '../front-engine/front-client';
import { joinPath, translateSegments } from '../front-engine/path-segments';
import { towardsClient, translateProjectIds } from '../front-engine/project-ids';
import type { ServiceEndpoint } from '../front-engine/service-endpoint';

/** Where below a provider's service to GET: segments under its versioned base (home project ids translated). */
export interface JsonGet {
  segments: readonly string[];
  /** With its `?`, or ''. */
  query?: string;
  /** Base override (default: the endpoint's versioned base). */
  base?: (ep: ServiceEndpoint) => string;
  /** Send the client's headers (microversions); false for the proxy's own questions. */
  clientHeaders?: boolean;
  headers?: Record<string, string>;
}

/**
 * GET one JSON document from each provider in parallel, in the client's terms (provider URLs and project ids
 * rewritten). Providers without the service, where the caller holds nothing, or that the project did not choose
 * are absent, not failed.
 */
export async function getFromEach(
  client: FrontClient,
  req: Request,
  ctx: RequestContext,
  caller: Caller,
  providers: readonly string[],
  get: JsonGet | ((provider: string) => JsonGet),
): Promise<FanOutResult<unknown>> {
  const result = await fanOut(
    providers,
    async (provider, signal) => {
      const g = typeof get === 'function' ? get(provider) : get;
      const { response, endpoint } = await client.send(
        req,
        ctx,
        caller,
        provider,
        (ep) => ({
          method: 'GET',
          url:
            (g.base ?? ((e: ServiceEndpoint) => e.base))(ep) +
            joinPath(translateSegments(g.segments, ep.homeProjectId, ep.providerProjectId)) +
            (g.query ?? ''),
          clientHeaders: g.clientHeaders,
          headers: g.headers,
        }),
        { signal },
      );
      if (response.status !== 200) {
        response.body.resume();
        throw new ProviderUnavailable(provider, `answered HTTP ${response.status}`);
      }
      const doc = rewriteUrlsDeep(await response.json(), endpoint.mappings);
      return translateProjectIds(doc, towardsClient(endpoint.homeProjectId, endpoint.providerProjectId));
    },
    { signal: ctx.signal, deadline: ctx.deadline },
  );
  return { ok: result.ok, failed: result.failed.filter((f) => !absent(f.error)) };
}

/** A provider that is not part of the answer rather than failing it. */
export function absent(err: unknown): boolean {
  return err instanceof ServiceAbsent || isUnmapped(err);
}
