import type { OcxError } from '../errors';
import type { RenderedError } from './types';

/**
 * Nova and Cinder share the fault format {"<kind>": {"message", "code"}} (nova/api/openstack/wsgi.py Fault).
 * 5xx faults are "computeFault" in Nova; Cinder uses the same names.
 */
export function renderNovaStyle(err: OcxError): RenderedError {
  const kind = err.status >= 500 && err.kind !== 'serviceUnavailable' ? 'computeFault' : err.kind;
  return {
    status: err.status,
    contentType: 'application/json',
    body: JSON.stringify({ [kind]: { code: err.status, message: err.message } }),
  };
}
