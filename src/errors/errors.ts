/**
 * One typed error family. Domain code throws these; only http/error-handler.ts turns them into
 * responses, through the renderer of the service the request was for. `message` is always safe to show a client:
 * it never carries a token, password or provider URL.
 */
export type ErrorKind =
  | 'badRequest'
  | 'unauthorized'
  | 'forbidden'
  | 'itemNotFound'
  | 'conflict'
  | 'preconditionFailed'
  | 'notAcceptable'
  | 'requestEntityTooLarge'
  | 'overLimit'
  | 'computeFault'
  | 'serviceUnavailable'
  | 'gatewayTimeout';

export class OcxError extends Error {
  constructor(
    readonly status: number,
    readonly kind: ErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class BadRequest extends OcxError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(400, 'badRequest', message, options);
  }
}

export class UnknownProvider extends OcxError {
  constructor(
    readonly provider: string,
    known: readonly string[],
  ) {
    super(400, 'badRequest', `Unknown provider "${provider}". Known providers: ${known.join(', ')}.`);
  }
}

export class Unauthorized extends OcxError {
  constructor(message = 'The request you have made requires authentication.') {
    super(401, 'unauthorized', message);
  }
}

export class Forbidden extends OcxError {
  constructor(message = 'You are not authorized to perform the requested action.') {
    super(403, 'forbidden', message);
  }
}

export class ItemNotFound extends OcxError {
  constructor(message: string) {
    super(404, 'itemNotFound', message);
  }
}

export class Conflict extends OcxError {
  constructor(message: string) {
    super(409, 'conflict', message);
  }
}

export class NotAcceptable extends OcxError {
  constructor(message: string) {
    super(406, 'notAcceptable', message);
  }
}

export class PreconditionFailed extends OcxError {
  constructor(message: string) {
    super(412, 'preconditionFailed', message);
  }
}

export class PayloadTooLarge extends OcxError {
  constructor(message = 'Request body is too large.') {
    super(413, 'requestEntityTooLarge', message);
  }
}

export class ProviderUnavailable extends OcxError {
  constructor(
    readonly provider: string,
    detail = 'is unavailable',
    options?: { cause?: unknown },
  ) {
    super(503, 'serviceUnavailable', `Provider ${provider} ${detail}.`, options);
  }
}

/** A provider that does not answer in time is, to the client, unavailable: 503 as docs/contract.md "Errors" asks. */
export class UpstreamTimeout extends OcxError {
  constructor(
    readonly provider: string,
    options?: { cause?: unknown },
  ) {
    super(503, 'serviceUnavailable', `Provider ${provider} did not answer in time.`, options);
  }
}

export class BadGateway extends OcxError {
  constructor(
    readonly provider: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(502, 'computeFault', `Provider ${provider} gave an invalid answer: ${detail}.`, options);
  }
}

export class InternalError extends OcxError {
  constructor(options?: { cause?: unknown }) {
    super(
      500,
      'computeFault',
      'The server has either erred or is incapable of performing the requested operation.',
      options,
    );
  }
}

/** Anything thrown that is not an OcxError is an internal error; its details stay in the log. */
export function toOcxError(err: unknown): OcxError {
  if (err instanceof OcxError) return err;
  const status = (err as { status?: unknown; type?: unknown } | null)?.status;
  // body-parser's errors carry a status (400 malformed JSON, 413 too large, 415 charset).
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (status === 413) return new PayloadTooLarge();
    return new BadRequest(status === 400 ? 'Malformed request body.' : 'The request could not be understood.', {
      cause: err,
    });
  }
  return new InternalError({ cause: err });
}
