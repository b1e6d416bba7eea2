import type { Express, RequestHandler } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorFlavour } from '../errors/format';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { clientRequestId, newRequestId } from '../observability/request-id';
import type { RequestContext } from './context';

// A Map, not an object literal: a first segment such as `constructor` must not find Object.prototype's members.
const SERVICES = new Map<string, ErrorFlavour>(
  Object.entries({
    identity: 'identity',
    compute: 'compute',
    volume: 'volume',
    image: 'image',
    'object-store': 'object-store',
    network: 'network',
    info: 'object-store',
    // Swift's own place at the listener root (services/object-store/routes.ts).
    v1: 'object-store',
    'v1.0': 'object-store',
  } satisfies Record<string, ErrorFlavour>),
);
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'COPY', 'OPTIONS']);

/** Builds the RequestContext, keeps or makes x-openstack-request-id, and logs/counts each request once. */
export function requestContext(deps: { logger: Logger; metrics: Metrics; requestTimeoutMs: number }): RequestHandler {
  // The request line's keys are the fixed ones below (no header bag, body or credential field), so the logger's
  // redaction paths never match it; not running them halves the cost of the line, which is written for every
  // request (a CPU profile had redaction at ~2 % of the Keystone passthrough, docs/performance.md).
  const requestLog = deps.logger.child({}, { redact: { paths: [] } });
  return (req, res, next) => {
    const requestId = newRequestId();
    const clientId = clientRequestId(req.headers['x-openstack-request-id']);
    const path = req.path;
    const end = path.indexOf('/', 1);
    const service = SERVICES.get(end < 0 ? path.slice(1) : path.slice(1, end)) ?? 'proxy';
    const controller = new AbortController();
    const timer = setTimeout(abortForDeadline, deps.requestTimeoutMs, controller);
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
    // One listener: a response emits 'close' after 'finish' when it was answered, and alone when the client went
    // away first (then every upstream call made for it is aborted, and nothing is counted or logged).
    res.on('close', () => {
      clearTimeout(timer);
      if (!res.writableFinished) {
        controller.abort(new Error('client disconnected'));
        return;
      }
      const method = METHODS.has(req.method) ? req.method : 'OTHER';
      deps.metrics.requests.inc({
        service,
        method,
        status_class: statusClass(res.statusCode),
        provider: ctx.provider ?? '',
      });
      // Counted here, for every front, from the header the client gets (docs/operations.md alerts on it).
      const partial = res.getHeader('x-ocx-partial');
      if (typeof partial === 'string') {
        for (const provider of partial.split(',')) deps.metrics.partialListings.inc({ service, provider });
      }
      // Path only: query strings can carry signatures (Swift temp URLs).
      const url = req.originalUrl;
      const query = url.indexOf('?');
      requestLog.info(
        {
          requestId,
          clientRequestId: clientId,
          method: req.method,
          path: query < 0 ? url : url.slice(0, query),
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

function abortForDeadline(controller: AbortController): void {
  controller.abort(new Error('request deadline passed'));
}

const STATUS_CLASSES = ['0xx', '1xx', '2xx', '3xx', '4xx', '5xx', '6xx', '7xx', '8xx', '9xx'];

function statusClass(status: number): string {
  return STATUS_CLASSES[Math.floor(status / 100)] ?? `${Math.floor(status / 100)}xx`;
}

/**
 * `handler` (a router mounted at the root) sees only requests whose first path segment is one of `segments`;
 * every other request goes straight on. For routers whose routes all live under those segments: Express matches
 * routes case-insensitively and with or without a trailing slash, so comparing the lower-cased first segment lets
 * through everything the router could answer (an OPTIONS too), and the rest skips entering it, which a CPU
 * profile showed on every request (docs/performance.md).
 */
export function underFirstSegments(segments: readonly string[], handler: RequestHandler): RequestHandler {
  const known = new Set(segments.map((s) => s.toLowerCase()));
  return (req, res, next) => {
    const path = req.path;
    const end = path.indexOf('/', 1);
    const first = (end < 0 ? path.slice(1) : path.slice(1, end)).toLowerCase();
    if (known.has(first)) return handler(req, res, next);
    next();
  };
}

type AppHandle = (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void) => void;

/**
 * The app, with each request target made origin-form (normaliseTarget) before its router first sees it. Done by
 * wrapping the app's own dispatch rather than by a second Express app around it: every Express app re-sets the
 * request's and response's prototypes, builds a final handler and runs a router for each request, which a CPU
 * profile of the proxy showed on every hot path (docs/performance.md).
 */
export function originFormFirst(app: Express): Express {
  // Express calls app.handle for each request (express/lib/express.js createApplication).
  const dispatch = app as unknown as { handle: AppHandle };
  const handle = dispatch.handle.bind(app);
  dispatch.handle = (req, res, next) => {
    normaliseTarget(req);
    handle(req, res, next);
  };
  return app;
}

/**
 * RFC 9112 §3.2.2: an absolute-form target (`GET http://x/compute/...`) is served by its path only; the named
 * host is never used. This runs before the app's router sees the URL (originFormFirst), because the router keeps
 * the scheme and host it saw and would cut mounted paths at the wrong place, so routing and logs would disagree.
 */
export function normaliseTarget(req: { url?: string; originalUrl?: string }): void {
  if (req.url === undefined || req.url.startsWith('/')) return;
  req.url = originForm(req.url);
  // Logs and query parsing read originalUrl (the router copies it from url only when it is not set yet).
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
