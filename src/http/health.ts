import { Router } from 'express';
import type { Metrics } from '../observability/metrics';

export interface ReadinessCheck {
  (): Promise<{ ready: boolean; detail: Record<string, unknown> }>;
}

/**
 * Adds detail to a readiness check without changing its verdict (e.g. the shared state: without it each instance
 * still serves from its local caches, so it is reported, never made a reason to take the instance out of rotation).
 */
export function withReadinessDetail(
  check: ReadinessCheck,
  detail: () => Promise<Record<string, unknown>>,
): ReadinessCheck {
  return async () => {
    const [base, extra] = await Promise.all([check(), detail()]);
    return { ready: base.ready, detail: { ...base.detail, ...extra } };
  };
}

/** /healthz (process alive), /readyz (home Keystone reachable, with detail), /metrics (Prometheus). */
export function healthRoutes(deps: { metrics: Metrics; readiness: ReadinessCheck }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const { ready, detail } = await deps.readiness();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', ...detail });
  });
  router.get('/metrics', async (_req, res) => {
    res.setHeader('content-type', deps.metrics.registry.contentType);
    res.send(await deps.metrics.registry.metrics());
  });
  return router;
}
