import { BadRequest } from '../../errors/errors';

/**
 * Glance's image schema (glance/api/v2/images.py get_schema): the body is an object; properties outside the core
 * schema are "additional properties", which must be strings. Checked before placement so a bad body is a 400 from
 * the proxy, whichever provider it would have gone to. Pure.
 */
const CORE: ReadonlySet<string> = new Set([
  'id',
  'name',
  'visibility',
  'protected',
  'os_hidden',
  'tags',
  'container_format',
  'disk_format',
  'min_ram',
  'min_disk',
  'owner',
  'locations',
  'os_hash_algo',
  'os_hash_value',
]);

export function validateImageCreate(body: unknown): void {
  if (body === undefined) return;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new BadRequest("Provided object does not match schema 'image': the body must be a JSON object.");
  }
  for (const [key, value] of Object.entries(body)) {
    if (!CORE.has(key) && typeof value !== 'string') {
      throw new BadRequest(
        `Provided object does not match schema 'image': additional property ${JSON.stringify(key.slice(0, 64))} must be a string.`,
      );
    }
  }
}
