import { Router, type Request, type Response } from 'express';
import { Forbidden, ItemNotFound, Unauthorized } from '../../errors/errors';
import { contextOf } from '../../http/context';
import { authenticate } from '../../identity/caller';
import { LocationCache } from '../../location/location-cache';
import { memoryCache } from '../../state/cache';
import { accountRequest } from './account';
import { limitsFromInfo } from './constraints';
import { ContainerLocator } from './container-locator';
import { containerRequest } from './container';
import { SwiftInfo } from './info';
import { objectRequest } from './object';
import { SwiftClient, type SwiftDeps } from './swift-client';
import type { SwiftCall } from './swift-call';
import { parseSwiftPath, targetOf } from './swift-path';

/**
 * The object-store front (issue 4): `/object-store/v1/AUTH_<home project>` is one Swift account over every
 * provider, and `/info` (also `/object-store/info`) their common capabilities. Mount at the listener root.
 */
export function objectStoreRoutes(deps: SwiftDeps & { locations?: LocationCache }): Router {
  const { config } = deps;
  const info = new SwiftInfo(config, deps.upstream);
  const swiftDeps: SwiftDeps = { ...deps, learnBase: (p, base) => info.learn(p, base) };
  // app.ts passes one layered over the shared state (issue 7).
  const locator = new ContainerLocator(
    deps.locations ??
      new LocationCache(memoryCache<{ providers: string[] }>(config.cache.locationMax), config.cache.locationTtlMs),
  );
  const router = Router();

  const capabilities = async (req: Request, res: Response): Promise<void> => {
    const ctx = contextOf(res.locals);
    const merged = await info.get(ctx.signal);
    if (merged.missing.length) res.setHeader('x-ocx-partial', merged.missing.join(','));
    res.status(200).setHeader('content-type', 'application/json; charset=UTF-8');
    res.end(req.method === 'HEAD' ? undefined : JSON.stringify(merged.doc));
  };
  router.get(['/info', '/object-store/info'], capabilities);

  router.use('/object-store', async (req, res) => {
    const ctx = contextOf(res.locals);
    const q = req.url.indexOf('?');
    const path = parseSwiftPath(q < 0 ? req.url : req.url.slice(0, q));
    if (path.version !== 'v1' && path.version !== 'v1.0') throw new ItemNotFound('The resource could not be found.');
    // Swift takes the token under either name.
    const token = req.headers['x-auth-token'] ?? req.headers['x-storage-token'];
    const caller = await authenticate({ 'x-auth-token': token }, deps.validator);
    const projectId = caller.info.projectId;
    if (!projectId) throw new Unauthorized('A project-scoped token is required.');
    const account = `AUTH_${projectId}`;
    // One account: the caller's home project. Any other account, including a provider's, is refused like Swift.
    if (path.account !== account) throw new Forbidden('Access was denied to this resource.');
    const call: SwiftCall = {
      req,
      res,
      client: new SwiftClient(swiftDeps, caller, ctx),
      locator,
      account,
      proxyBase: `${config.publicUrl}/object-store/${path.version}/${account}`,
      query: q < 0 ? '' : req.url.slice(q),
      limits: limitsFromInfo(info.cached()),
    };
    const target = targetOf(path);
    if (target.level === 'account') return accountRequest(call);
    if (target.level === 'container') return containerRequest(call, target.container);
    return objectRequest(call, target.container, target.object);
  });
  return router;
}
