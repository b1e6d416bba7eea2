import type { ErrorRequestHandler } from 'express';
import { toOcxError } from '../errors/errors';
import { renderError } from '../errors/format';
import type { Logger } from '../observability/logger';
import type { RequestContext } from './context';

/** The one place where errors become responses, in the format of the service the request was for. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const ctx = res.locals['ctx'] as RequestContext | undefined;
    if (res.destroyed || req.socket?.destroyed === true) {
      // The client went away (its upstream calls were aborted for it): nobody reads an answer and nothing failed
      // on our side or the provider's, so no 5xx is logged or counted. 499 as nginx records it.
      res.statusCode = 499;
      res.destroy();
      return;
    }
    const ocx = toOcxError(err);
    if (ocx.status >= 500) {
      // Log the cause for operators; the client only sees the safe message.
      const cause = ocx.cause ?? err;
      logger.warn(
        {
          requestId: ctx?.requestId,
          status: ocx.status,
          err: { name: ocx.name, message: ocx.message },
          cause: describe(cause),
        },
        'request failed',
      );
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const rendered = renderError(ctx?.service ?? 'proxy', ocx);
    res.status(rendered.status);
    for (const [k, v] of Object.entries(rendered.headers ?? {})) res.setHeader(k, v);
    res.setHeader('content-type', rendered.contentType);
    // A string would make express rewrite the charset to its own spelling (Swift's and webob's is `UTF-8`).
    res.send(rendered.contentType.includes('charset=') ? Buffer.from(rendered.body, 'utf8') : rendered.body);
  };
}

function describe(cause: unknown): Record<string, unknown> | undefined {
  if (!(cause instanceof Error)) return undefined;
  const code = (cause as { code?: unknown }).code;
  return { name: cause.name, message: cause.message, code: typeof code === 'string' ? code : undefined };
}
