import type { OcxError } from '../errors';
import { renderKeystone } from './keystone';
import type { RenderedError } from './types';

/** webob's exception names, which Neutron puts in `type` for errors that are no Neutron exception of its own. */
const TYPES: Record<number, string> = {
  400: 'HTTPBadRequest',
  403: 'HTTPForbidden',
  404: 'HTTPNotFound',
  406: 'HTTPNotAcceptable',
  409: 'HTTPConflict',
  412: 'HTTPPreconditionFailed',
  413: 'HTTPRequestEntityTooLarge',
  500: 'HTTPInternalServerError',
  502: 'HTTPBadGateway',
  503: 'HTTPServiceUnavailable',
  504: 'HTTPGatewayTimeout',
};

/**
 * Neutron's fault body {"NeutronError": {"type", "message", "detail"}} (neutron/api/v2/base.py, api_common.py
 * convert_exception_to_http_exc). A 401 comes from keystonemiddleware in front of Neutron, in Keystone's format.
 */
export function renderNeutron(err: OcxError): RenderedError {
  if (err.status === 401) return renderKeystone(err);
  return {
    status: err.status,
    contentType: 'application/json',
    body: JSON.stringify({
      NeutronError: { type: TYPES[err.status] ?? 'HTTPError', message: err.message, detail: '' },
    }),
  };
}
