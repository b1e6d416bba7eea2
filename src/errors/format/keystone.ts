import type { OcxError } from '../errors';
import type { RenderedError } from './types';

const TITLES: Record<number, string> = {
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

/** Keystone: {"error": {"code", "title", "message"}} (keystone/exception.py). */
export function renderKeystone(err: OcxError): RenderedError {
  const headers: Record<string, string> = {};
  if (err.status === 401) headers['WWW-Authenticate'] = 'Keystone uri="/identity"';
  return {
    status: err.status,
    contentType: 'application/json',
    body: JSON.stringify({ error: { code: err.status, title: TITLES[err.status] ?? 'Error', message: err.message } }),
    headers,
  };
}
