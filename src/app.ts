import express, { type Express } from 'express';
import { readFileSync } from 'node:fs';
import { compileCatalog, loadCatalogTemplate } from './catalog/template';
import type { Config } from './config/types';
import { ItemNotFound } from './errors/errors';
import { errorHandler } from './http/error-handler';
import { healthRoutes, withReadinessDetail } from './http/health';
import { normaliseTarget, requestContext } from './http/middleware';
import { ProviderSessions, type ProviderSession } from './identity/provider-sessions';
import { MintedTokens, type MintedToken } from './identity/minted-tokens';
import { ProviderTokenCallbacks } from './identity/provider-token-callbacks';
import { TokenValidator, type TokenCacheEntry } from './identity/token-validator';
import { LocationCache } from './location/location-cache';
import { createLogger, type Logger } from './observability/logger';
import { createMetrics, type Metrics } from './observability/metrics';
import { identityRoutes } from './services/identity/routes';
import { objectStoreRoutes } from './services/object-store/routes';
import { routedFronts } from './services/routed/fronts';
import { memoryCache } from './state/cache';
import { createSharedState, type SharedState } from './state/shared-state';
import { UpstreamClient } from './upstream/client';
import { readinessCheck } from './upstream/readiness';

export interface AppDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  upstream: UpstreamClient;
  validator: TokenValidator;
  sessions: ProviderSessions;
  /** Local caches, layered over Redis with state.backend redis (issue 7). */
  state: SharedState;
}

export interface Proxy {
  app: Express;
  deps: AppDeps;
  close(): Promise<void>;
}

/** Build every dependency once from config (STYLE.md habit 2) and wire the express app; no listen here. */
export function buildApp(config: Config, opts: { logger?: Logger; metrics?: Metrics } = {}): Proxy {
  const logger = opts.logger ?? createLogger(config.log.level);
  const metrics = opts.metrics ?? createMetrics();
  const upstream = new UpstreamClient(config.timeouts, metrics, {
    ca: config.upstreamTls.caFile ? readFileSync(config.upstreamTls.caFile, 'utf8') : undefined,
    verify: config.upstreamTls.verify,
  });
  const state = createSharedState(config.state, { metrics, logger });
  const home = config.providers.find((p) => p.name === config.home);
  if (!home?.keystoneUrl) throw new Error('home provider without keystone_url (config validation should prevent this)');
  const minted = new MintedTokens(memoryCache<MintedToken>(config.cache.providerTokenMax));
  const validator = new TokenValidator(
    { name: home.name, keystoneUrl: home.keystoneUrl },
    upstream,
    state.cache<TokenCacheEntry>('token', config.cache.tokenMax),
    config.cache,
    metrics,
    Date.now,
    minted,
  );
  const sessions = new ProviderSessions(
    config,
    upstream,
    state.cache<ProviderSession>('provider_token', config.cache.providerTokenMax),
    metrics,
    Date.now,
    minted,
  );
  const callbacks = new ProviderTokenCallbacks(config, minted, upstream, memoryCache(config.cache.providerTokenMax));
  const renderCatalog = compileCatalog(loadCatalogTemplate(config.catalog.template));
  const locations = (): LocationCache =>
    new LocationCache(state.cache('location', config.cache.locationMax), config.cache.locationTtlMs);
  const deps: AppDeps = { config, logger, metrics, upstream, validator, sessions, state };

  const inner = express();
  inner.disable('x-powered-by');
  inner.set('etag', false);
  inner.set('query parser', 'simple');
  // Behind a load balancer: believe X-Forwarded-* only from the hops the operator names (req.ip in logs).
  inner.set('trust proxy', config.trustProxy);
  inner.use(requestContext({ logger, metrics, requestTimeoutMs: config.timeouts.requestMs }));
  inner.use(
    healthRoutes({
      metrics,
      readiness: withReadinessDetail(readinessCheck(config, upstream), async () => ({
        shared_state: await state.status(),
        k2k: sessions.lastExchanges(),
      })),
    }),
  );
  inner.use('/identity', identityRoutes({ config, upstream, validator, sessions, renderCatalog }));
  inner.use(objectStoreRoutes({ config, upstream, validator, sessions, metrics, locations: locations() }));
  const fronts = routedFronts({ config, upstream, validator, sessions, callbacks, locations: locations() });
  inner.use('/compute', fronts.compute);
  inner.use('/volume', fronts.volume);
  inner.use('/image', fronts.image);
  inner.use((req, _res, next) => next(new ItemNotFound(`The resource could not be found: ${req.path.slice(0, 200)}`)));
  inner.use(errorHandler(logger));

  // The request target is made origin-form before the routing app first sees it (normaliseTarget says why).
  const outer = express();
  outer.disable('x-powered-by');
  outer.use((req, res, next) => {
    normaliseTarget(req);
    inner(req, res, next);
  });

  return {
    app: outer,
    deps,
    close: async () => {
      await Promise.all([upstream.close(), state.close()]);
    },
  };
}
