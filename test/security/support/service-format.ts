import { header, type RawResponse } from './raw-http';

/** Error formats per service (docs/contract.md "Errors"); `proxy` is the proxy's own answer outside any service. */
export type Flavour = 'identity' | 'compute' | 'volume' | 'image' | 'object-store' | 'network' | 'proxy';

/** The flavour the proxy must answer in for a request path, like http/middleware.ts decides it. */
export function flavourOfPath(path: string): Flavour {
  // An absolute-form target (`http://host/compute/...`) is routed by its path.
  const origin = path.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  const first = origin.split('?')[0]?.split('/')[1] ?? '';
  if (first === 'info') return 'object-store';
  return (
    (['identity', 'compute', 'volume', 'image', 'object-store', 'network'] as const).find((f) => f === first) ?? 'proxy'
  );
}

/**
 * Statuses Node's HTTP parser answers itself, before any application code runs: no body, no service format.
 * (400 for a malformed request, 413 never: the parser has no body limit; 431 for an oversized header block.)
 */
export function answeredByParser(res: RawResponse): boolean {
  return (
    (res.status === 400 || res.status === 431) && res.body.length === 0 && header(res, 'content-type') === undefined
  );
}

function json(res: RawResponse): Record<string, unknown> | undefined {
  try {
    const doc = JSON.parse(res.text) as unknown;
    return typeof doc === 'object' && doc !== null && !Array.isArray(doc)
      ? (doc as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** keystonemiddleware (and Keystone itself): `{"error": {"code", "title", "message"}}`. */
function keystoneProblem(res: RawResponse): string | undefined {
  const err = json(res)?.['error'] as Record<string, unknown> | undefined;
  if (!err) return 'not a Keystone error document {"error": {...}}';
  if (err['code'] !== res.status) return `error.code ${String(err['code'])} is not the status ${res.status}`;
  if (typeof err['title'] !== 'string' || typeof err['message'] !== 'string') return 'error.title/message missing';
  return undefined;
}

/** Nova/Cinder fault: one key, `{"<kind>": {"code", "message"}}`. */
function novaProblem(res: RawResponse): string | undefined {
  const doc = json(res);
  if (!doc) return 'not a JSON fault document';
  const keys = Object.keys(doc);
  const fault = doc[keys[0] as string] as Record<string, unknown> | undefined;
  if (keys.length !== 1 || typeof fault !== 'object' || fault === null)
    return `not a fault {"<kind>": {...}}: ${res.text.slice(0, 120)}`;
  if (fault['code'] !== res.status) return `fault code ${String(fault['code'])} is not the status ${res.status}`;
  if (typeof fault['message'] !== 'string') return 'fault message missing';
  return undefined;
}

/** Glance (webob): plain text or an HTML page naming the status. */
function glanceProblem(res: RawResponse): string | undefined {
  const type = header(res, 'content-type') ?? '';
  if (!/^text\/(plain|html)/.test(type)) return `content-type ${type} is not text/plain or text/html`;
  if (!res.text.includes(String(res.status))) return `body does not name the status: ${res.text.slice(0, 120)}`;
  return undefined;
}

/** Swift: a small HTML page or plain text (never JSON); HEAD answers carry no body. */
function swiftProblem(res: RawResponse): string | undefined {
  const type = header(res, 'content-type');
  if (type !== undefined && !/^text\/(plain|html)/.test(type)) return `content-type ${type} is not Swift's text/html`;
  if (json(res) !== undefined) return 'Swift errors are not JSON';
  return undefined;
}

/** Neutron: `{"NeutronError": {"type", "message", "detail"}}` (neutron/api/v2/base.py). */
function neutronProblem(res: RawResponse): string | undefined {
  const err = json(res)?.['NeutronError'] as Record<string, unknown> | undefined;
  if (!err) return `not a NeutronError document: ${res.text.slice(0, 120)}`;
  if (typeof err['type'] !== 'string' || typeof err['message'] !== 'string') return 'NeutronError type/message missing';
  return undefined;
}

/** undefined when `res` (a 4xx) is in the format of `flavour`, else what is wrong. */
export function formatProblem(flavour: Flavour, res: RawResponse): string | undefined {
  if (answeredByParser(res)) return undefined;
  // Services sit behind keystonemiddleware: its 401 is the Keystone document whatever the service.
  if (res.status === 401 && keystoneProblem(res) === undefined && flavour !== 'object-store') return undefined;
  switch (flavour) {
    case 'identity':
    case 'proxy':
      return keystoneProblem(res);
    case 'compute':
    case 'volume':
      return novaProblem(res);
    case 'image':
      return glanceProblem(res);
    case 'object-store':
      return swiftProblem(res);
    case 'network':
      return neutronProblem(res);
  }
}
