import { BadRequest, UnknownProvider } from '../errors/errors';

/**
 * `ID@provider` / `NAME@provider` (docs/contract.md "Naming a provider"). The suffix is split at the LAST "@" so a
 * name may itself contain "@" only if it also names a provider (`a@b@home` → name `a@b`, provider `home`).
 * Pure: no lookups beyond the list of known names.
 */
export interface AtProvider {
  /** The reference with any `@provider` suffix removed: what the provider itself must see. */
  id: string;
  /** The provider named by the suffix, if any. */
  provider?: string;
}

const MAX_PROVIDER_NAME = 63;

export function parseAtProvider(ref: string, known: readonly string[]): AtProvider {
  const at = ref.lastIndexOf('@');
  if (at < 0) return { id: ref };
  const id = ref.slice(0, at);
  const provider = ref.slice(at + 1);
  if (id === '') throw new BadRequest(`Invalid reference "${clip(ref)}": nothing before "@".`);
  if (provider === '') throw new BadRequest(`Invalid reference "${clip(ref)}": no provider after "@".`);
  if (provider.length > MAX_PROVIDER_NAME || !known.includes(provider)) {
    throw new UnknownProvider(clip(provider), known);
  }
  return { id, provider };
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
