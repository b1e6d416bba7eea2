import type { HeaderBag } from '../../upstream/headers';

/**
 * Sums of Swift's counter headers over several providers (X-Account-Object-Count, X-Container-Bytes-Used,
 * per-policy variants...). Pure: headers matching `pattern` in any input are summed; a missing one counts 0.
 */
export function sumHeaders(all: readonly HeaderBag[], pattern: RegExp): Record<string, string> {
  const sums = new Map<string, bigint>();
  for (const headers of all) {
    for (const [k, v] of Object.entries(headers)) {
      const key = k.toLowerCase();
      if (!pattern.test(key)) continue;
      const raw = Array.isArray(v) ? v[0] : v;
      // BigInt: byte counts of large accounts exceed 2^53.
      const n = /^\d+$/.test(String(raw ?? '').trim()) ? BigInt(String(raw).trim()) : 0n;
      sums.set(key, (sums.get(key) ?? 0n) + n);
    }
  }
  return Object.fromEntries([...sums].map(([k, v]) => [k, v.toString()]));
}
