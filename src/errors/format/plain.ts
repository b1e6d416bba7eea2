import type { OcxError } from '../errors';
import type { RenderedError } from './types';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  406: 'Not Acceptable',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Request Entity Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Swift answers errors as a small HTML page (swift/common/swob.py RESPONSE_REASONS). */
export function renderSwift(err: OcxError): RenderedError {
  const reason = REASONS[err.status] ?? 'Error';
  return {
    status: err.status,
    contentType: 'text/html; charset=UTF-8',
    body: `<html><h1>${reason}</h1><p>${escapeHtml(err.message)}</p></html>`,
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

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
