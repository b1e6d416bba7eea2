/**
 * `GET /info` of the merged account: what every provider supports (docs/contract.md "Swift"). Pure.
 * - a capability (top-level key, e.g. `slo`, `symlink`) is listed only when every provider lists it;
 * - inside it, a key is kept only when every provider has it; numbers take the most restrictive value (the
 *   minimum, except `min_*` limits which take the maximum); booleans must hold everywhere; lists keep the
 *   entries every provider has; other values come from the first (highest-priority) provider;
 * - capabilities that cannot work through the proxy are dropped (see PROXY_UNSUPPORTED).
 */
export type InfoDoc = Record<string, unknown>;

/**
 * Dropped: staticweb (anonymous access), container_sync (provider to provider), tempauth/keystoneauth
 * (provider-side auth: the proxy's own auth is its Keystone). Kept when every provider has them: tempurl and
 * formpost, checked by the proxy itself (tempurl.ts, formpost.ts), and bulk_upload, each archive going to one
 * provider (bulk-upload.ts).
 */
export const PROXY_UNSUPPORTED = new Set(['staticweb', 'container_sync', 'tempauth', 'keystoneauth']);

export function mergeInfo(docs: readonly InfoDoc[]): InfoDoc {
  const [first, ...rest] = docs;
  if (!first) return {};
  const out: InfoDoc = {};
  for (const [key, value] of Object.entries(first)) {
    if (PROXY_UNSUPPORTED.has(key)) continue;
    if (!rest.every((d) => key in d)) continue;
    out[key] = mergeValue(
      key,
      value,
      rest.map((d) => d[key]),
    );
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function mergeValue(key: string, first: unknown, others: readonly unknown[]): unknown {
  if (typeof first === 'number') {
    const nums = [first, ...others].filter((v): v is number => typeof v === 'number');
    return key.startsWith('min_') ? Math.max(...nums) : Math.min(...nums);
  }
  if (typeof first === 'boolean') {
    // "strict" switches restrict when on; other flags (allow_*, static_links...) only hold if all agree.
    if (key.startsWith('strict')) return [first, ...others].some((v) => v === true);
    return [first, ...others].every((v) => v === true);
  }
  if (Array.isArray(first)) {
    return first.filter((item) => others.every((o) => Array.isArray(o) && o.some((x) => sameJson(x, item))));
  }
  if (isRecord(first)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(first)) {
      if (!others.every((o) => isRecord(o) && k in o)) continue;
      out[k] = mergeValue(
        k,
        v,
        others.map((o) => (o as Record<string, unknown>)[k]),
      );
    }
    return out;
  }
  return first;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
