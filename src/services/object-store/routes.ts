import { Router, type Request, type Response } from 'express';
import { Forbidden, ItemNotFound, PreconditionFailed, Unauthorized } from '../../errors/errors';
import { contextOf } from '../../http/context';
import { authenticate } from '../../identity/caller';
import { LocationCache } from '../../location/location-cache';
import { memoryCache } from '../../state/cache';
import { accountRequest } from './account';
import { extractArchive } from './bulk-upload';
import { limitsFromInfo } from './constraints';
import { ContainerLocator } from './container-locator';
import { containerRequest } from './container';
import { SwiftInfo } from './info';
import { objectRequest } from './object';
import { SwiftClient, type SwiftDeps } from './swift-client';
import type { SwiftCall } from './swift-call';
import { parseSwiftPath, swiftMount, swiftRealm, swiftUnquote, targetOf } from './swift-path';
import { anonymousRequest, foreignAccountRequest } from './foreign-account';
import type { Config } from '../../config/types';
import type { Cache } from '../../state/cache';
import { SigningKeys, type BasesEntry, type KeyEntry } from './signing-keys';
import { formBoundary, formPostRequest } from './formpost';
import { tempUrlParams, tempUrlRequest, type SignedCall } from './tempurl';

/**
 * The object-store front: `/v1/AUTH_<home project>` (Swift's own place at the root, which its tools assume) and
 * its alias `/object-store/v1/AUTH_<home project>` are one Swift account over every provider, and `/info` (also
 * `/object-store/info`) their common capabilities. Mount at the listener root.
 */
export function objectStoreRoutes(
  deps: SwiftDeps & { locations?: LocationCache; signing?: Cache<KeyEntry | BasesEntry> },
): Router {
  const { config } = deps;
  const info = new SwiftInfo(config, deps.upstream);
  // app.ts passes one layered over the shared state, so every replica can check a signature.
  const keys = new SigningKeys(deps.signing ?? memoryCache<KeyEntry | BasesEntry>(config.cache.locationMax));
  const swiftDeps: SwiftDeps = {
    ...deps,
    learnBase: (p, base, caller) => {
      info.learn(p, base);
      if (caller.info.projectId) void keys.learnBase(caller.info.projectId, p, base);
    },
    observe: (caller, p, op, status, headers) => {
      if (caller.info.projectId) void keys.observe(caller.info.projectId, p, op, status, headers);
    },
  };
  // app.ts passes one layered over the shared state.
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

  router.use(async (req, res, next) => {
    const q = req.url.indexOf('?');
    const mount = swiftMount(q < 0 ? req.url : req.url.slice(0, q));
    if (mount === undefined) return next();
    // Swift names the connection only when the client asked for keep-alive; Node would always add it. The
    // connection persists either way (HTTP/1.1 default).
    if (!/keep-alive/i.test(String(req.headers.connection ?? ''))) res.removeHeader('connection');
    const ctx = contextOf(res.locals);
    const rawPath = (q < 0 ? req.url : req.url.slice(0, q)).slice(mount.length) || '/';
    const versionOnly = /^\/v1(\.0)?\/?$/.test(rawPath);
    const path = versionOnly ? undefined : parseSwiftPath(rawPath);
    if (path && path.version !== 'v1' && path.version !== 'v1.0') {
      throw new ItemNotFound('The resource could not be found.');
    }
    const query = q < 0 ? '' : req.url.slice(q);
    // Swift's tempurl and formpost middlewares come before auth: a signed request is judged by its signature alone.
    const signed = path && req.method !== 'OPTIONS' ? tempUrlParams(query, Date.now()) : undefined;
    const boundary = path ? formBoundary(req.method, req.headers['content-type']) : undefined;
    if (path && (signed || boundary !== undefined)) {
      const call: SignedCall = {
        req,
        res,
        ctx,
        config,
        upstream: deps.upstream,
        keys,
        locator,
        info: await info.get(ctx.signal).then(
          (m) => m.doc,
          () => info.cached(),
        ),
        mount,
        proxyRoot: `${config.publicUrl}${mount}/${path.version}`,
        rawPath,
        query,
      };
      if (signed) return tempUrlRequest(call, targetOf(path), signed);
      return formPostRequest(call, targetOf(path), boundary as string);
    }
    // Swift takes the token under either name.
    const token = req.headers['x-auth-token'] ?? req.headers['x-storage-token'];
    const homeBase = homeSwiftBase(config, info);
    if (token === undefined && path && path.account && homeBase) {
      return anonymousRequest(
        {
          req,
          res,
          ctx,
          config,
          upstream: deps.upstream,
          known: { locator, keys },
          homeBase,
          proxyRoot: `${config.publicUrl}${mount}/${path.version}`,
          query: q < 0 ? '' : req.url.slice(q),
        },
        targetOf(path),
      );
    }
    const caller = await authenticate({ 'x-auth-token': token }, deps.validator).catch((err: unknown) => {
      if (err instanceof Unauthorized) throw swiftUnauthorized(res, rawPath);
      throw err;
    });
    // Swift's proxy has no controller for a path without an account (swift/proxy/server.py handle_request).
    if (!path) throw new PreconditionFailed('Bad URL');
    const projectId = caller.info.projectId;
    if (!projectId) throw swiftUnauthorized(res, rawPath);
    const account = `AUTH_${projectId}`;
    const call: SwiftCall = {
      req,
      res,
      client: new SwiftClient(swiftDeps, caller, ctx),
      locator,
      account,
      proxyBase: `${config.publicUrl}${mount}/${path.version}/${account}`,
      query: q < 0 ? '' : req.url.slice(q),
      limits: limitsFromInfo(info.cached()),
    };
    const target = targetOf(path);
    // Another project's account, or a copy naming one: the provider holding it decides, by its ACLs (foreign-account.ts).
    if (path.account !== account || namesOtherAccount(req, account)) {
      // Only what Keystone-backed Swift accounts look like (reseller prefix + project id): nothing that could be
      // read as more than one segment, or as a dot segment, ever reaches a provider as an account.
      if (!/^[A-Z]+_[A-Za-z0-9_-]+$/.test(path.account)) throw new Forbidden('Access was denied to this resource.');
      return foreignAccountRequest(call, target, { locator, keys });
    }
    if (req.method === 'PUT' && new URLSearchParams(call.query).has('extract-archive')) {
      return extractArchive(call, target);
    }
    if (target.level === 'account') return accountRequest(call);
    if (target.level === 'container') return containerRequest(call, target.container);
    return objectRequest(call, target.container, target.object);
  });
  return router;
}

/** Swift's 401: its default page, and the challenge naming the account as realm (swift/common/swob.py). */
function swiftUnauthorized(res: Response, rawPath: string): Unauthorized {
  res.setHeader('www-authenticate', `Swift realm="${swiftRealm(rawPath)}"`);
  return new Unauthorized(SWIFT_UNAUTHORIZED);
}

const SWIFT_UNAUTHORIZED = 'This server could not verify that you are authorized to access the document you requested.';

/** Home's Swift endpoint without a session: the config override, else a storage URL home's catalog gave. */
function homeSwiftBase(config: Config, info: SwiftInfo): string | undefined {
  const home = config.providers.find((p) => p.name === config.home);
  const override = home?.endpoints['object-store'];
  if (override) return override.replace(/\{project_id\}/g, '-').replace(/\/+$/, '');
  return info.storageUrl(config.home);
}

/** X-Copy-From-Account or Destination-Account naming an account other than the caller's. */
function namesOtherAccount(req: Request, account: string): boolean {
  return ['x-copy-from-account', 'destination-account'].some((h) => {
    const v = req.headers[h];
    return typeof v === 'string' && safeUnquote(v.trim()) !== account;
  });
}

function safeUnquote(v: string): string | undefined {
  try {
    return swiftUnquote(v);
  } catch {
    return undefined;
  }
}
