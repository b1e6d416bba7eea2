import type { Request } from 'express';
import { splitPath } from './path-segments';

/**
 * The calls a provider's Nova makes to the proxy's Cinder and Glance for mix and match, the only ones a provider
 * token presented back to the proxy may make (src/identity/provider-token-callbacks.ts). Pure, over the method,
 * the path below the service's mount point and the JSON body.
 */
export type CallbackCalls = (
  method: string,
  segments: readonly string[],
  body: () => Promise<unknown>,
) => Promise<boolean>;

/** Volume actions of Cinder's attach and detach flows (the old os-* actions and the attachments API). */
const VOLUME_ATTACH_ACTIONS = new Set([
  'os-reserve',
  'os-unreserve',
  'os-initialize_connection',
  'os-terminate_connection',
  'os-attach',
  'os-detach',
  'os-begin_detaching',
  'os-roll_detaching',
]);
const NOT_IDS = new Set(['detail', 'summary']);

/** `/volume/v3/{project}/…`: version discovery, volume show, attach/detach actions, attachments. */
export const volumeCallbacks: CallbackCalls = async (method, segments, body) => {
  if (segments[0] !== 'v3' || segments.length <= 2) return method === 'GET' && segments.length <= 1;
  const [collection, id, sub, ...more] = segments.slice(2);
  if (more.length > 0) return false;
  if (collection === 'volumes' && id !== undefined && !NOT_IDS.has(id)) {
    if (sub === undefined) return method === 'GET';
    return sub === 'action' && method === 'POST' && onlyAction(await body(), VOLUME_ATTACH_ACTIONS);
  }
  if (collection !== 'attachments') return false;
  if (id === undefined) return method === 'GET' || method === 'POST';
  if (sub === undefined) return ['GET', 'PUT', 'DELETE'].includes(method);
  return sub === 'action' && method === 'POST' && onlyAction(await body(), new Set(['os-complete']));
};

/** `/image/v2/images/{id}` and its data, as glanceclient's `data()` reads them for a boot. */
export const imageCallbacks: CallbackCalls = async (method, segments) => {
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (segments.length <= 1) return segments[0] === undefined || segments[0] === 'versions' || segments[0] === 'v2';
  const [version, collection, id, sub, ...more] = segments;
  if (version !== 'v2' || collection !== 'images' || id === undefined || more.length > 0) return false;
  return sub === undefined || sub === 'file';
};

function onlyAction(doc: unknown, allowed: ReadonlySet<string>): boolean {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return false;
  const keys = Object.keys(doc);
  return keys.length === 1 && allowed.has(keys[0] as string);
}

/** The request's path below `/volume` or `/image`, decoded (dot segments refused like every front). */
export function segmentsBelowMount(req: Request): string[] {
  const path = req.originalUrl.split('?')[0] ?? '/';
  return splitPath(path).slice(1);
}
