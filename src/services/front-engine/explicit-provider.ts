import { BadRequest } from '../../errors/errors';
import { parseAtProvider } from '../../location/parse-at-provider';

/**
 * The provider a client named for one resource: `ID@provider` in the path, or `X-OCX-Provider`. Naming two
 * different providers at once is a 400 rather than a guess. Pure.
 */
export function explicitProvider(suffix: string | undefined, header: string | undefined): string | undefined {
  if (suffix && header && suffix !== header) {
    throw new BadRequest(`The path names provider ${suffix} but X-OCX-Provider names ${header}.`);
  }
  return suffix ?? header;
}

/** A resource reference from a path segment: its bare id and the provider it names, if any. */
export function resourceRef(
  segment: string,
  known: readonly string[],
  header: string | undefined,
): { id: string; explicit?: string } {
  const parsed = parseAtProvider(segment, known);
  return { id: parsed.id, explicit: explicitProvider(parsed.provider, header) };
}
