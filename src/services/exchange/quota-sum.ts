/**
 * Quotas and limits of one project across its providers (docs/exchange.md "Quotas across clouds"): Nova's and
 * Cinder's `limits` and `os-quota-sets` documents summed key by key. -1 (unlimited) anywhere stays -1. Limits that
 * bound one item rather than the project's total (metadata items per server, GiB per volume...) are not summed:
 * the smallest applies, since one item lives at one provider. Pure.
 */

/** Per-item limits (Nova's and Cinder's names): the minimum across providers, -1 counting as unlimited. */
export const PER_ITEM_LIMITS = new Set([
  'maxServerMeta',
  'maxPersonality',
  'maxPersonalitySize',
  'maxImageMeta',
  'maxServerGroupMembers',
  'maxSecurityGroupRules',
  'metadata_items',
  'injected_files',
  'injected_file_content_bytes',
  'injected_file_path_bytes',
  'server_group_members',
  'security_group_rules',
  'per_volume_gigabytes',
]);

function combineLimit(key: string, values: readonly number[]): number {
  if (PER_ITEM_LIMITS.has(key)) {
    const bounded = values.filter((v) => v >= 0);
    return bounded.length ? Math.min(...bounded) : -1;
  }
  // Usage counts are never -1; a limit of -1 anywhere makes the total unlimited.
  if (values.some((v) => v < 0)) return -1;
  return values.reduce((a, b) => a + b, 0);
}

/** Combine objects key by key: numbers by combineLimit, nested objects recursively, anything else from the first. */
export function sumLimits(docs: readonly unknown[], key = ''): unknown {
  const present = docs.filter((d) => d !== undefined && d !== null);
  if (present.length === 0) return undefined;
  if (present.every((d) => typeof d === 'number')) return combineLimit(key, present as number[]);
  if (present.every((d) => typeof d === 'object' && !Array.isArray(d))) {
    const out: Record<string, unknown> = {};
    const keys = new Set(present.flatMap((d) => Object.keys(d as object)));
    for (const k of keys) {
      // In a `{limit, in_use, reserved}` detail entry the limit is judged by the name the entry sits under.
      const judgedBy = k === 'limit' ? key : k;
      const value = sumLimits(
        present.map((d) => (d as Record<string, unknown>)[k]),
        judgedBy,
      );
      if (value !== undefined) out[k] = value;
    }
    return out;
  }
  return present[0];
}

/** Nova/Cinder `GET limits`: absolute limits and usage summed; `rate` limits are per cloud and dropped. */
export function sumLimitsDocs(docs: readonly unknown[]): { limits: { rate: unknown[]; absolute: unknown } } {
  const absolute = docs.map((d) => (d as { limits?: { absolute?: unknown } } | undefined)?.limits?.absolute);
  return { limits: { rate: [], absolute: sumLimits(absolute) ?? {} } };
}

/** `GET os-quota-sets/{project}` (plain or with usage detail): summed; `id` is the client's project id. */
export function sumQuotaSetDocs(docs: readonly unknown[], projectId: string): { quota_set: unknown } {
  const sets = docs.map((d) => (d as { quota_set?: unknown } | undefined)?.quota_set);
  const summed = (sumLimits(sets) ?? {}) as Record<string, unknown>;
  return { quota_set: { ...summed, id: projectId } };
}
