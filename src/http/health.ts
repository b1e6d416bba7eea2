import { Router } from 'express';
import type { Metrics } from '../observability/metrics';

export interface ReadinessCheck {
  (): Promise<{ ready: boolean; detail: Record<string, unknown> }>;
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
