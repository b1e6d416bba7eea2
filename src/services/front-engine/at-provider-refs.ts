import type { ResourceKind } from '../../location/location-cache';
import { parseAtProvider } from '../../location/parse-at-provider';

/**
 * `ID@provider` references inside request bodies (docs/contract.md "Naming a provider"): the suffix is stripped before a
 * provider sees the body, and the reference is reported so its location can be remembered. Pure helpers.
 */
export interface ResourceRef {
  kind: ResourceKind;
  id: string;
  provider: string;
}

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Copy of `obj` with `obj[key]` stripped of its `@provider` suffix; the reference (if any) is pushed to `refs`.
 * Non-string values are left for the provider to reject in its own words.
 */
export function stripRef(
  obj: JsonObject,
  key: string,
  kind: ResourceKind | undefined,
  known: readonly string[],
  refs: ResourceRef[],
): JsonObject {
  const value = obj[key];
  if (typeof value !== 'string') return obj;
  const parsed = parseAtProvider(value, known);
  if (!parsed.provider) return obj;
  if (kind) refs.push({ kind, id: parsed.id, provider: parsed.provider });
  return { ...obj, [key]: parsed.id };
}

/** `name@provider` of a new resource: the stored name carries no suffix. */
export function stripName(
  obj: JsonObject,
  known: readonly string[],
  key = 'name',
): { obj: JsonObject; provider?: string } {
  const value = obj[key];
  if (typeof value !== 'string') return { obj };
  const parsed = parseAtProvider(value, known);
  if (!parsed.provider) return { obj };
  return { obj: { ...obj, [key]: parsed.id }, provider: parsed.provider };
}

/** The availability zone of a create body, and the body without it when it names a provider. */
export function takeZone(obj: JsonObject, key = 'availability_zone'): string | undefined {
  const az = obj[key];
  return typeof az === 'string' ? az : undefined;
}

export function withoutKey(obj: JsonObject, key: string): JsonObject {
  return Object.fromEntries(Object.entries(obj).filter(([k]) => k !== key));
}
