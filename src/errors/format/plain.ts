import type { OcxError } from '../errors';
import { escapeMarkup } from './markup';
import type { RenderedError } from './types';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  406: 'Not Acceptable',
  409: 'Conflict',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Request Entity Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** swob's default explanation per status (swift/common/swob.py RESPONSE_REASONS), for the errors it pages. */
const SWIFT_EXPLANATIONS: Record<number, string> = {
  400: 'The server could not comply with the request since it is either malformed or otherwise incorrect.',
  401: 'This server could not verify that you are authorized to access the document you requested.',
  403: 'Access was denied to this resource.',
  404: 'The resource could not be found.',
  409: 'There was a conflict when trying to complete your request.',
  411: 'Content-Length header required.',
  412: 'A precondition for this request was not met.',
  413: 'The body of your request was too large for this server.',
  503: 'The server is currently unavailable. Please try again at a later time.',
};

/**
 * Swift's error bodies as swob writes them: an error without a body of its own is a small HTML page with the
 * status's default explanation; one with a body (`Bad URL`, `Invalid UTF8 or contains NULL`, a constraint's
 * message) is that text alone. Both under swob's default type `text/html; charset=UTF-8`. Markup is escaped,
 * since a message may quote a name the client sent.
 */
export function renderSwift(err: OcxError): RenderedError {
  const reason = REASONS[err.status] ?? 'Error';
  const message = escapeMarkup(err.message);
  return {
    status: err.status,
    contentType: 'text/html; charset=UTF-8',
    body: SWIFT_EXPLANATIONS[err.status] === err.message ? `<html><h1>${reason}</h1><p>${message}</p></html>` : message,
  };
}

/** Glance (webob) answers plain text: "<status> <reason>\n\n<message>\n". */
export function renderGlance(err: OcxError): RenderedError {
  const reason = REASONS[err.status] ?? 'Error';
  return {
    status: err.status,
    contentType: 'text/plain; charset=UTF-8',
    body: `${err.status} ${reason}\n\n${err.message}\n\n   `,
  };
}
