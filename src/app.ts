import { IdentityDirectory } from './identity/identity-directory';
import express, { type Express } from 'express';
import { readFileSync } from 'node:fs';
import { compileCatalog, loadCatalogTemplate } from './catalog/template';
import type { Config } from './config/types';
import { ItemNotFound } from './errors/errors';
import { errorHandler } from './http/error-handler';
import { healthRoutes, withReadinessDetail } from './http/health';
import { originFormFirst, requestContext, underFirstSegments } from './http/middleware';
import { ProviderSessions, type ProviderSession } from './identity/provider-sessions';
import { MintedTokens, type MintedToken } from './identity/minted-tokens';
import { ProviderTokenCallbacks } from './identity/provider-token-callbacks';
import { TokenValidator, type TokenCacheEntry } from './identity/token-validator';
import { SessionWarmUp } from './identity/warm-up';
import { LocationCache } from './location/location-cache';
import { createLogger, type Logger } from './observability/logger';
import { createMetrics, type Metrics } from './observability/metrics';
import { exchangeRoutes } from './services/exchange/routes';
import { identityRoutes } from './services/identity/routes';
import { objectStoreRoutes } from './services/object-store/routes';
import { routedFronts } from './services/front-engine/fronts';
import { memoryCache } from './state/cache';
import { createSharedState, type SharedState } from './state/shared-state';
import type { SharedStore } from './state/shared-store';
import { UpstreamClient } from './upstream/client';
import { readinessCheck } from './upstream/readiness';

/** The first path segments healthRoutes (src/http/health.ts) answers under. */
const HEALTH_SEGMENTS = ['healthz', 'readyz', 'metrics'];
/** Those of the Swift front (services/object-store/routes.ts: /info, /object-store, Swift's own /v1 and /v1.0). */
const SWIFT_SEGMENTS = ['info', 'object-store', 'v1', 'v1.0'];

export interface AppDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  upstream: UpstreamClient;
  validator: TokenValidator;
  sessions: ProviderSessions;
  /** Local caches, layered over Redis with state.backend redis. */
  state: SharedState;
  /** K2K at login in the background (absent with cache.warm_at_login false); tests wait with `idle()`. */
  warmUp?: SessionWarmUp;
}

export interface Proxy {
  app: Express;
  deps: AppDeps;
  close(): Promise<void>;
}

/** Build every dependency once from config  and wire the express app; no listen here. */
export function buildApp(
  config: Config,
  opts: { logger?: Logger; metrics?: Metrics; sharedStore?: SharedStore } = {},
): Proxy {
  const logger = opts.logger ?? createLogger(config.log.level);
  const metrics = opts.metrics ?? createMetrics();
  const upstream = new UpstreamClient(config.timeouts, metrics, {
    ca: config.upstreamTls.caFile ? readFileSync(config.upstreamTls.caFile, 'utf8') : undefined,
    verify: config.upstreamTls.verify,
  });
  // sharedStore: a cluster worker's supervisor (src/cluster/worker-store.ts) when there is no Redis.
  const state = createSharedState(config.state, { metrics, logger, store: opts.sharedStore });
  const home = config.providers.find((p) => p.name === config.home);
  if (!home?.keystoneUrl) throw new Error('home provider without keystone_url (config validation should prevent this)');
  const minted = new MintedTokens(state.cache<MintedToken>('minted', config.cache.providerTokenMax));
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
  // Grantee ids of Swift container ACLs at each provider, from the providers' own token answers.
  const directory = new IdentityDirectory(state.cache('identity_map', config.cache.locationMax));
  sessions.onExchange = (provider, home, at) => void directory.learn(provider, home, at);
  const callbacks = new ProviderTokenCallbacks(config, minted, upstream, memoryCache(config.cache.providerTokenMax));
  const renderCatalog = compileCatalog(loadCatalogTemplate(config.catalog.template));
  const locations = (): LocationCache =>
    new LocationCache(state.cache('location', config.cache.locationMax), config.cache.locationTtlMs);
  const warmUp =
    config.cache.warmAtLogin === false ? undefined : new SessionWarmUp(config, validator, sessions, logger, metrics);
  const deps: AppDeps = { config, logger, metrics, upstream, validator, sessions, state, warmUp };

  const inner = express();
  inner.disable('x-powered-by');
  inner.set('etag', false);
  inner.set('query parser', 'simple');
  // Behind a load balancer: believe X-Forwarded-* only from the hops the operator names (req.ip in logs).
  inner.set('trust proxy', config.trustProxy);
  inner.use(requestContext({ logger, metrics, requestTimeoutMs: config.timeouts.requestMs }));
  // The two routers at the root are entered only for their own first segments (underFirstSegments says why).
  inner.use(
    underFirstSegments(
      HEALTH_SEGMENTS,
      healthRoutes({
        metrics,
        readiness: withReadinessDetail(readinessCheck(config, upstream), async () => ({
          shared_state: await state.status(),
          k2k: sessions.lastExchanges(),
        })),
      }),
    ),
  );
  // The exchange (/ocx/v1 API, /ocx/ page); its project choices apply to every front through the validator.
  const exchange = exchangeRoutes({
    config,
    upstream,
    validator,
    sessions,
    callbacks,
    metrics,
    locations: locations(),
  });
  validator.choices = exchange.choices;
  inner.use('/ocx', exchange.router);
  inner.use(
    '/identity',
    identityRoutes({ config, upstream, validator, sessions, renderCatalog, warmUp: warmUp && ((t) => warmUp.warm(t)) }),
  );
  inner.use(
    underFirstSegments(
      SWIFT_SEGMENTS,
      objectStoreRoutes({
        config,
        upstream,
        validator,
        sessions,
        metrics,
        locations: locations(),
        signing: state.cache('swift_signing', config.cache.locationMax),
        directory,
      }),
    ),
  );
  const fronts = routedFronts({ config, upstream, validator, sessions, callbacks, locations: locations() });
  inner.use('/compute', fronts.compute);
  inner.use('/volume', fronts.volume);
  inner.use('/image', fronts.image);
  inner.use('/network', fronts.network);
  inner.use((req, _res, next) => next(new ItemNotFound(`The resource could not be found: ${req.path.slice(0, 200)}`)));
  inner.use(errorHandler(logger));

  return {
    // The request target is made origin-form before the router first sees it (normaliseTarget says why).
    app: originFormFirst(inner),
    deps,
    close: async () => {
      fronts.close();
      await Promise.all([upstream.close(), state.close()]);
    },
  };
}
