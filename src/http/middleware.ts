import type { RequestHandler } from 'express';
import type { ErrorFlavour } from '../errors/format';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { clientRequestId, newRequestId } from '../observability/request-id';
import type { RequestContext } from './context';

const SERVICES: Record<string, ErrorFlavour> = {
  identity: 'identity',
  compute: 'compute',
  volume: 'volume',
  image: 'image',
  'object-store': 'object-store',
  info: 'object-store',
};
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'COPY', 'OPTIONS']);

/** Builds the RequestContext, keeps or makes x-openstack-request-id, and logs/counts each request once. */
export function requestContext(deps: { logger: Logger; metrics: Metrics; requestTimeoutMs: number }): RequestHandler {
  return (req, res, next) => {
    const requestId = newRequestId();
    const clientId = clientRequestId(req.headers['x-openstack-request-id']);
    const first = req.path.split('/')[1] ?? '';
    const service = SERVICES[first] ?? 'proxy';
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error('request deadline passed')), deps.requestTimeoutMs);
    timer.unref();
    const startedAt = Date.now();
    const ctx: RequestContext = {
      requestId,
      peer: req.ip,
      service,
      startedAt,
      deadline: startedAt + deps.requestTimeoutMs,
      signal: controller.signal,
    };
    res.locals['ctx'] = ctx;
    res.setHeader('x-openstack-request-id', requestId);
    // The client went away before we answered: abort every upstream call made for it.
    res.on('close', () => {
      clearTimeout(timer);
      if (!res.writableFinished) controller.abort(new Error('client disconnected'));
    });
    res.on('finish', () => {
      const method = METHODS.has(req.method) ? req.method : 'OTHER';
      const statusClass = `${Math.floor(res.statusCode / 100)}xx`;
      deps.metrics.requests.inc({ service, method, status_class: statusClass, provider: ctx.provider ?? '' });
      // Path only: query strings can carry signatures (Swift temp URLs).
      deps.logger.info(
        {
          requestId,
          clientRequestId: clientId,
          method: req.method,
          path: req.originalUrl.split('?')[0],
          status: res.statusCode,
          ms: Date.now() - startedAt,
          service,
          provider: ctx.provider,
        },
        'request',
      );
    });
    next();
  };
}

/**
 * RFC 9112 §3.2.2: an absolute-form target (`GET http://x/compute/...`) is served by its path only; the named
 * host is never used. This runs before the app's router sees the URL, because the router keeps the scheme and
 * host it saw and would cut mounted paths at the wrong place, so routing and logs would disagree.
 */
export function normaliseTarget(req: { url?: string; originalUrl?: string }): void {
  if (req.url === undefined || req.url.startsWith('/')) return;
  req.url = originForm(req.url);
  // The outer app has already copied the raw target here; logs and query parsing read it.
  req.originalUrl = req.url;
}

function originForm(target: string): string {
  try {
    const u = new URL(target);
    return u.pathname.startsWith('/') ? `${u.pathname}${u.search}` : '/';
  } catch {
    return '/';
  }
}
