import express, { type Express } from 'express';
import { readFileSync } from 'node:fs';
import { compileCatalog, loadCatalogTemplate } from './catalog/template';
import type { Config } from './config/types';
import { ItemNotFound } from './errors/errors';
import { errorHandler } from './http/error-handler';
import { healthRoutes, withReadinessDetail } from './http/health';
import { requestContext } from './http/middleware';
import { ProviderSessions, type ProviderSession } from './identity/provider-sessions';
import { MintedTokens, type MintedToken } from './identity/minted-tokens';
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
  const renderCatalog = compileCatalog(loadCatalogTemplate(config.catalog.template));
  const locations = (): LocationCache =>
    new LocationCache(state.cache('location', config.cache.locationMax), config.cache.locationTtlMs);
  const deps: AppDeps = { config, logger, metrics, upstream, validator, sessions, state };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  // Behind a load balancer: believe X-Forwarded-* only from the hops the operator names (req.ip in logs).
  app.set('trust proxy', config.trustProxy);
  app.use(requestContext({ logger, metrics, requestTimeoutMs: config.timeouts.requestMs }));
  app.use(
    healthRoutes({
      metrics,
      readiness: withReadinessDetail(readinessCheck(config, upstream), async () => ({
        shared_state: await state.status(),
        k2k: sessions.lastExchanges(),
      })),
    }),
  );
  app.use('/identity', identityRoutes({ config, upstream, validator, sessions, renderCatalog }));
  app.use(objectStoreRoutes({ config, upstream, validator, sessions, metrics, locations: locations() }));
  const fronts = routedFronts({ config, upstream, validator, sessions, locations: locations() });
  app.use('/compute', fronts.compute);
  app.use('/volume', fronts.volume);
  app.use('/image', fronts.image);
  app.use((req, _res, next) => next(new ItemNotFound(`The resource could not be found: ${req.path.slice(0, 200)}`)));
  app.use(errorHandler(logger));

  return {
    app,
    deps,
    close: async () => {
      await Promise.all([upstream.close(), state.close()]);
    },
  };
}
