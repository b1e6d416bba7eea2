import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every metric the proxy exports, with fixed label sets. Labels never carry tokens, user ids or URLs: only
 * service, method, status class, provider names from config, and fixed step/cache names.
 */
export interface Metrics {
  registry: Registry;
  requests: Counter<'service' | 'method' | 'status_class' | 'provider'>;
  upstreamLatency: Histogram<'provider' | 'service' | 'outcome'>;
  cacheLookups: Counter<'cache' | 'result'>;
  tokenValidations: Counter<'result'>;
  k2kExchanges: Counter<'provider' | 'result'>;
  k2kFailures: Counter<'provider' | 'step'>;
  k2kLatency: Histogram<'provider'>;
  providerUp: Gauge<'provider'>;
  partialListings: Counter<'service' | 'provider'>;
  sharedStateUp: Gauge<'backend'>;
  sharedStateErrors: Counter<'op'>;
  warmUps: Counter<'provider' | 'result'>;
}

/**
 * `registry`: a cluster worker's (src/cluster/worker-metrics.ts), whose exposition is every worker's merged. The
 * merge sums counters and histograms; the `up` gauges take the minimum: one worker that cannot reach a provider
 * is a provider problem worth seeing.
 */
export function createMetrics(withDefaults = true, registry: Registry = new Registry()): Metrics {
  if (withDefaults) collectDefaultMetrics({ register: registry, prefix: 'ocx_' });
  const registers = [registry];
  return {
    registry,
    requests: new Counter({
      name: 'ocx_requests_total',
      help: 'Requests answered by the proxy',
      labelNames: ['service', 'method', 'status_class', 'provider'],
      registers,
    }),
    upstreamLatency: new Histogram({
      name: 'ocx_upstream_duration_seconds',
      help: 'Time to response headers from a provider',
      labelNames: ['provider', 'service', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    cacheLookups: new Counter({
      name: 'ocx_cache_lookups_total',
      help: 'Cache lookups by cache and result (hit, miss, negative_hit)',
      labelNames: ['cache', 'result'],
      registers,
    }),
    tokenValidations: new Counter({
      name: 'ocx_token_validations_total',
      help: 'Home Keystone token validations performed upstream (cache misses)',
      labelNames: ['result'],
      registers,
    }),
    k2kExchanges: new Counter({
      name: 'ocx_k2k_exchanges_total',
      help: 'Keystone-to-Keystone exchanges by provider and result',
      labelNames: ['provider', 'result'],
      registers,
    }),
    k2kFailures: new Counter({
      name: 'ocx_k2k_failures_total',
      help: 'K2K exchange failures by provider and failing step',
      labelNames: ['provider', 'step'],
      registers,
    }),
    k2kLatency: new Histogram({
      name: 'ocx_k2k_exchange_duration_seconds',
      help: 'Duration of a full K2K exchange',
      labelNames: ['provider'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers,
    }),
    providerUp: new Gauge({
      name: 'ocx_provider_up',
      help: '1 when the last call to the provider succeeded at transport level, 0 otherwise',
      labelNames: ['provider'],
      aggregator: 'min',
      registers,
    }),
    partialListings: new Counter({
      name: 'ocx_partial_listings_total',
      help: 'Merged listings answered without a provider',
      labelNames: ['service', 'provider'],
      registers,
    }),
    sharedStateUp: new Gauge({
      name: 'ocx_shared_state_up',
      help: '1 when the shared state store answers (always 1 for backend memory); 0: serving from local caches only',
      labelNames: ['backend'],
      aggregator: 'min',
      registers,
    }),
    sharedStateErrors: new Counter({
      name: 'ocx_shared_state_errors_total',
      help: 'Shared state operations that failed (unreachable, timeout, undecryptable entry) by operation',
      labelNames: ['op'],
      registers,
    }),
    warmUps: new Counter({
      name: 'ocx_warmups_total',
      help: 'K2K exchanges run in the background right after a login (src/identity/warm-up.ts), by result',
      labelNames: ['provider', 'result'],
      registers,
    }),
  };
}
