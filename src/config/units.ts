/** Human intervals and sizes in config ("30s", "5m", "1mb"), as operators write them. */
const INTERVAL = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/;
const INTERVAL_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseInterval(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const m = INTERVAL.exec(value.trim());
  if (!m) return undefined;
  return Number(m[1]) * (INTERVAL_MS[m[2] ?? 'ms'] ?? 1);
}

const SIZE = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i;
const SIZE_BYTES: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

export function parseSize(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const m = SIZE.exec(value.trim());
  if (!m) return undefined;
  return Math.floor(Number(m[1]) * (SIZE_BYTES[(m[2] ?? 'b').toLowerCase()] ?? 1));
}
