import { Router, type Request, type Response } from 'express';
import type { UrlMapping } from '../../catalog/links';
import type { CatalogEntry, CatalogVars } from '../../catalog/template';
import type { Config, ProviderConfig } from '../../config/types';
import { BadRequest } from '../../errors/errors';
import { hasBody, readBody } from '../../http/body';
import { contextOf } from '../../http/context';
import { authenticate } from '../../identity/caller';
import type { ProviderSessions } from '../../identity/provider-sessions';
import { rewriteCatalogBody, rewriteTokenBody } from '../../identity/rewrite-token-body';
import { parseTokenBody } from '../../identity/token-info';
import type { TokenValidator } from '../../identity/token-validator';
import { targetedProvider } from '../../location/provider-header';
import type { UpstreamClient } from '../../upstream/client';
import { forward, relayResponse, sendUpstream } from '../forward';
import { callWithSession } from '../provider-call';
import { joinPath, splitPath } from '../front-engine/path-segments';

export interface IdentityDeps {
  config: Config;
  upstream: UpstreamClient;
  validator: TokenValidator;
  sessions: ProviderSessions;
  renderCatalog: (vars: CatalogVars) => CatalogEntry[];
  /** Starts the K2K exchanges of a fresh token in the background (src/identity/warm-up.ts). */
  warmUp?: (token: string) => void;
}

/**
 * The proxy's Keystone at /identity: discovery and token calls go to the home Keystone with the
 * catalog swapped for the proxy's; other /v3 calls pass through, to a provider when X-OCX-Provider names one.
 */
export function identityRoutes(deps: IdentityDeps): Router {
  const { config, upstream } = deps;
  const home = config.providers.find((p) => p.name === config.home) as ProviderConfig;
  const homeUrl = home.keystoneUrl as string;
  const front = `${config.publicUrl}/identity`;
  const mappingsFor = (p: ProviderConfig): UrlMapping[] => [{ from: p.keystoneUrl as string, to: front }];
  const homeMappings = mappingsFor(home);
  const names = config.providers.map((p) => p.name);
  const region = (r?: string): string => r ?? config.catalog.region;
  const router = Router();

  const discovery = async (req: Request, res: Response, upstreamPath: string): Promise<void> => {
    const ctx = contextOf(res.locals);
    await forward(upstream, req, res, ctx, {
      provider: home.name,
      service: 'identity',
      url: homeUrl + upstreamPath,
      mappings: homeMappings,
    });
  };
  router.get('/', (req, res) => discovery(req, res, '/'));
  router.get(['/v3', '/v3/'], (req, res) => discovery(req, res, '/v3/'));

  router.post('/v3/auth/tokens', async (req, res) => {
    const ctx = contextOf(res.locals);
    const body = await readBody(req, config.limits.jsonBodyBytes);
    const up = await sendUpstream(upstream, req, ctx, {
      provider: home.name,
      service: 'identity',
      url: `${homeUrl}/v3/auth/tokens${query(req)}`,
      body,
      mappings: homeMappings,
    });
    const subject = up.headers['x-subject-token'];
    await relayResponse(
      res,
      ctx,
      up,
      {
        provider: home.name,
        mappings: homeMappings,
        rewriteJson: (doc) => {
          const info = parseTokenBody(doc);
          // Remember the fresh token: the client's next call needs no validation round trip.
          if (info && typeof subject === 'string') deps.validator.remember(subject, info);
          // Started as soon as the token's body is known, before the answer is written, so the exchanges run
          // while the client reads it; warm() only queues them: the login never waits for them.
          if (info?.projectId && up.status === 201 && typeof subject === 'string') deps.warmUp?.(subject);
          return rewriteTokenBody(doc, deps.renderCatalog, {
            publicUrl: config.publicUrl,
            region: region(info?.region),
          });
        },
      },
      req.method,
    );
  });

  // Validation (GET/HEAD) as services and Horizon use it: both tokens go to the home Keystone.
  router.get('/v3/auth/tokens', async (req, res) => {
    const ctx = contextOf(res.locals);
    await forward(upstream, req, res, ctx, {
      provider: home.name,
      service: 'identity',
      url: `${homeUrl}/v3/auth/tokens${query(req)}`,
      ...tokenHeaders(req),
      mappings: homeMappings,
      rewriteJson: (doc) =>
        rewriteTokenBody(doc, deps.renderCatalog, {
          publicUrl: config.publicUrl,
          region: region(parseTokenBody(doc)?.region),
        }),
    });
  });

  router.delete('/v3/auth/tokens', async (req, res) => {
    const ctx = contextOf(res.locals);
    const subject = req.headers['x-subject-token'];
    const target = {
      provider: home.name,
      service: 'identity',
      url: `${homeUrl}/v3/auth/tokens`,
      ...tokenHeaders(req),
      mappings: homeMappings,
    };
    // Revoke first, forget after: forgetting first lets a validation in flight re-cache the token. 404: Keystone
    // already considers the subject invalid, which the proxy may as well learn.
    const up = await sendUpstream(upstream, req, ctx, target);
    if (typeof subject === 'string' && ((up.status >= 200 && up.status < 300) || up.status === 404)) {
      const info = deps.validator.revoked(subject);
      // Sessions of a token not validated within token_ttl are not found here; the tombstone and Keystone refuse
      // the token before any of them could be used, and they expire with their provider tokens.
      if (info) deps.sessions.forgetToken({ token: subject, info });
    }
    await relayResponse(res, ctx, up, target, req.method);
  });

  router.get('/v3/auth/catalog', async (req, res) => {
    const ctx = contextOf(res.locals);
    const caller = await authenticate(req.headers, deps.validator);
    await forward(upstream, req, res, ctx, {
      provider: home.name,
      service: 'identity',
      url: `${homeUrl}/v3/auth/catalog`,
      token: caller.token,
      mappings: homeMappings,
      rewriteJson: (doc) =>
        rewriteCatalogBody(doc, deps.renderCatalog, {
          publicUrl: config.publicUrl,
          projectId: caller.info.projectId,
          region: region(caller.info.region),
        }),
    });
  });

  // Everything else under /v3: the home Keystone, or the provider named by X-OCX-Provider with its token. The
  // path is rebuilt from decoded segments (dot segments refused) so it never climbs out of Keystone, and bodies
  // are read within the JSON limit before anything is sent.
  router.use('/v3', async (req, res) => {
    const ctx = contextOf(res.locals);
    const target = targetedProvider(req.headers['x-ocx-provider'], names) ?? home.name;
    const provider = config.providers.find((p) => p.name === target) as ProviderConfig;
    const path = `/v3${keystonePath(req.path)}${query(req)}`;
    const body = hasBody(req.headers) ? await readBody(req, config.limits.jsonBodyBytes) : undefined;
    if (target === home.name) {
      const token = req.headers['x-auth-token'];
      await forward(upstream, req, res, ctx, {
        provider: home.name,
        service: 'identity',
        url: homeUrl + path,
        token: typeof token === 'string' ? token : undefined,
        body,
        mappings: homeMappings,
      });
      return;
    }
    if (!provider.keystoneUrl) throw new BadRequest(`Provider ${target} has no identity service.`);
    const caller = await authenticate(req.headers, deps.validator);
    const mappings = mappingsFor(provider);
    const { response } = await callWithSession(deps, caller, target, (session) =>
      sendUpstream(upstream, req, ctx, {
        provider: target,
        service: 'identity',
        url: (provider.keystoneUrl as string) + path,
        token: session.token,
        body,
        mappings,
      }),
    );
    await relayResponse(res, ctx, response, { provider: target, mappings }, req.method);
  });

  return router;
}

/** A Keystone path below /v3 rebuilt from its decoded segments, trailing slash kept. */
function keystonePath(path: string): string {
  const rebuilt = joinPath(splitPath(path));
  return rebuilt !== '' && path.endsWith('/') ? `${rebuilt}/` : rebuilt;
}

function query(req: Request): string {
  const i = req.originalUrl.indexOf('?');
  return i >= 0 ? req.originalUrl.slice(i) : '';
}

/** The caller's token and the subject token, which upstreamRequestHeaders strips from every other call. */
function tokenHeaders(req: Request): { token?: string; extraHeaders: Record<string, string> } {
  const auth = req.headers['x-auth-token'];
  const subject = req.headers['x-subject-token'];
  return {
    token: typeof auth === 'string' ? auth : undefined,
    extraHeaders: typeof subject === 'string' ? { 'x-subject-token': subject } : {},
  };
}
