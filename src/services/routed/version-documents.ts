import type { Request, Response } from 'express';
import { rewriteUrlsDeep } from '../../catalog/links';
import { ProviderUnavailable } from '../../errors/errors';
import { fanOut } from '../../fanout/fan-out';
import { contextOf } from '../../http/context';
import type { Front } from './front';
import { mergeVersionDocuments } from './merge-versions';
import type { ServiceEndpoint } from './service-endpoint';
import { builtinVersions, VersionMemo, type VersionAnswer } from './anonymous-versions';
import { rangeOf } from './microversion';

const memos = new WeakMap<Front, VersionMemo>();

function memoOf(front: Front): VersionMemo {
  let m = memos.get(front);
  if (!m) {
    m = new VersionMemo();
    memos.set(front, m);
  }
  return m;
}

/**
 * A version document (`/compute/`, `/volume/v3/`, `/image/versions`…) from the providers, links at the proxy.
 * `narrow`: microversion ranges narrowed to what every provider offers (merge-versions.ts); otherwise the home
 * provider's (or the targeted one's) document alone.
 */
export async function serveVersions(
  front: Front,
  req: Request,
  res: Response,
  path: (ep: ServiceEndpoint) => string,
  narrow: boolean,
): Promise<void> {
  const key = `${req.baseUrl}${req.path}`;
  if (req.headers['x-auth-token'] === undefined && req.headers['x-ocx-provider'] === undefined) {
    const answer =
      memoOf(front).get(key) ?? builtinVersions(front.service, front.deps.config.publicUrl, !/\/v\d/.test(req.path));
    res.status(answer.status).json(answer.doc);
    return;
  }
  const answer = await fetchVersions(front, req, res, path, narrow, key);
  res.status(answer.status).json(answer.doc);
}

/** The merged microversion range every provider supports, learnt once from an authenticated caller. */
export async function microversionRange(
  front: Front,
  req: Request,
  res: Response,
  path: (ep: ServiceEndpoint) => string,
): Promise<{ min: string; max: string } | undefined> {
  const known = memoOf(front).range();
  if (known) return known;
  // Unknown yet: ask the providers this request may reach (all, or the targeted one) once.
  return rangeOf((await fetchVersions(front, req, res, path, true, `${req.baseUrl}/`)).doc);
}

async function fetchVersions(
  front: Front,
  req: Request,
  res: Response,
  path: (ep: ServiceEndpoint) => string,
  narrow: boolean,
  key: string,
): Promise<VersionAnswer> {
  const ctx = contextOf(res.locals);
  const caller = await front.caller(req);
  const targeted = front.targeted(req);
  const providers = targeted ? [targeted] : narrow ? front.client.providers : [front.home];
  const result = await fanOut(
    providers,
    async (provider, signal): Promise<VersionAnswer> => {
      const { response, endpoint } = await front.client.send(
        req,
        ctx,
        caller,
        provider,
        (ep) => ({ method: 'GET', url: path(ep), clientHeaders: false }),
        { signal },
      );
      if (response.status >= 400) {
        response.body.resume();
        throw new ProviderUnavailable(provider, `answered HTTP ${response.status} for its version document`);
      }
      return { status: response.status, doc: rewriteUrlsDeep(await response.json(), endpoint.mappings) };
    },
    { signal: ctx.signal, deadline: ctx.deadline },
  );
  const base = result.ok.find((r) => r.provider === (targeted ?? front.home)) ?? result.ok[0];
  if (!base) throw result.failed[0]?.error ?? new ProviderUnavailable(front.home);
  const others = result.ok.filter((r) => r !== base).map((r) => r.value.doc);
  if (providers.length === 1) {
    res.setHeader('X-OCX-Provider', base.provider);
    ctx.provider = base.provider;
  }
  const doc = narrow ? mergeVersionDocuments(base.value.doc, others) : base.value.doc;
  const answer = { status: base.value.status, doc };
  if (!targeted && result.failed.length === 0) memoOf(front).set(key, answer);
  return answer;
}
