// Nova request validation, mirroring the JSON-schema errors of nova/api/openstack/compute/schemas (servers.py:
// imageRef `format: uuid`, block_device_mapping_v2 uuid pattern; volumes.py: volumeId `format: uuid`) and the
// list query parameters (sort keys, regex `name` filter). Pure: returns the parsed value or the 400 message.
import type { ServerRec } from './compute-render';
import { FLAVORS } from './compute-render';
import { isUuid } from './sim-http';

/** Nova's allowed sort keys (a subset) -> field of ServerRec; `id` is only the internal tie-breaker. */
export const SORT_FIELDS: Record<string, (s: ServerRec) => unknown> = {
  created_at: (s) => s.createdAt,
  updated_at: (s) => s.updatedAt,
  id: (s) => s.id,
  uuid: (s) => s.id,
  display_name: (s) => s.name,
  hostname: (s) => s.name,
  availability_zone: (s) => s.zone,
  vm_state: (s) => s.status.toLowerCase(),
  image_ref: (s) => s.imageId,
  project_id: (s) => s.projectId,
  user_id: (s) => s.userId,
};
export const CLIENT_SORT_KEYS = Object.keys(SORT_FIELDS).filter((k) => k !== 'id');

/** Nova matches `name` as a regular expression; an invalid one is taken literally here. */
export function nameFilter(pattern: string | undefined): (name: string) => boolean {
  if (pattern === undefined) return () => true;
  try {
    const re = new RegExp(pattern);
    return (name) => re.test(name);
  } catch {
    return (name) => name.includes(pattern);
  }
}

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

function invalid(field: string, value: unknown, why: string): { ok: false; message: string } {
  return { ok: false, message: `Invalid input for field/attribute ${field}. Value: ${String(value)}. ${why}` };
}

/** How Python prints a JSON value in Nova's messages (None, 'text', {'k': 1}), near enough for the fake. */
function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'object') return JSON.stringify(v).replace(/"/g, "'");
  return String(v);
}

export interface ServerCreate {
  name: string;
  imageId: string;
  flavorId: string;
  zone: string;
  metadata: Record<string, string>;
  /** Existing volumes the block device mappings attach (source_type and destination_type `volume`). */
  volumeIds: string[];
}

export function checkServerCreate(
  body: unknown,
  zone: string,
  imageExists?: (id: string) => boolean,
): Checked<ServerCreate> {
  const server = (body as { server?: unknown } | undefined)?.server;
  if (!server || typeof server !== 'object') return invalid('server', undefined, "'server' is a required property");
  const s = server as Record<string, unknown>;
  const { name, imageRef, flavorRef } = s;
  if (typeof name !== 'string' || name.trim() === '') return invalid('name', name, "'name' is a required property");
  const rawBdms = s.block_device_mapping_v2 ?? [];
  if (!Array.isArray(rawBdms)) {
    return invalid('block_device_mapping_v2', pyRepr(rawBdms), `${pyRepr(rawBdms)} is not of type 'array'`);
  }
  // Nova's schema names the failing list index as the field (jsonschema's path, last element).
  const notObject = rawBdms.findIndex((b) => !b || typeof b !== 'object' || Array.isArray(b));
  if (notObject >= 0) {
    const v = pyRepr(rawBdms[notObject]);
    return invalid(String(notObject), v, `${v} is not of type 'object'`);
  }
  const bdms = rawBdms as Record<string, unknown>[];
  for (const bdm of bdms) {
    if (bdm.uuid !== undefined && !/^[a-zA-Z0-9._-]*$/.test(String(bdm.uuid))) {
      return invalid('uuid', bdm.uuid, `'${String(bdm.uuid)}' does not match '^[a-zA-Z0-9._-]*$'`);
    }
  }
  // Boot from volume may leave imageRef empty; otherwise it must be an image UUID that Glance knows.
  const bootFromVolume = bdms.some((b) => b.boot_index === 0 || b.boot_index === '0');
  let imageId = '';
  if (!(bootFromVolume && (imageRef === undefined || imageRef === ''))) {
    if (!isUuid(imageRef)) return invalid('imageRef', imageRef, `'${String(imageRef)}' is not a 'uuid'`);
    if (imageExists && !imageExists(imageRef)) return { ok: false, message: `Image ${imageRef} could not be found.` };
    imageId = imageRef;
  }
  const flavor = FLAVORS.find((f) => f.id === String(flavorRef));
  if (!flavor) return { ok: false, message: 'Invalid flavorRef provided.' };
  const az = typeof s.availability_zone === 'string' ? s.availability_zone : zone;
  if (az !== zone) return { ok: false, message: 'The requested availability zone is not available' };
  const metadata = s.metadata && typeof s.metadata === 'object' ? { ...(s.metadata as Record<string, string>) } : {};
  const volumeIds = bdms
    .filter((b) => b.source_type === 'volume' && b.destination_type === 'volume' && typeof b.uuid === 'string')
    .map((b) => String(b.uuid));
  return { ok: true, value: { name, imageId, flavorId: flavor.id, zone: az, metadata, volumeIds } };
}

export function checkAttach(body: unknown): Checked<string> {
  const va = (body as { volumeAttachment?: { volumeId?: unknown } } | undefined)?.volumeAttachment;
  if (!va) return invalid('volumeAttachment', undefined, "'volumeAttachment' is a required property");
  if (!isUuid(va.volumeId)) return invalid('volumeId', va.volumeId, `'${String(va.volumeId)}' is not a 'uuid'`);
  return { ok: true, value: va.volumeId };
}
