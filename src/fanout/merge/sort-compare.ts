import { sortField, valueAt } from './sort-fields';
import type { SortSpec } from './sort-spec';
import { compareUtf8 } from './swift-order';

/**
 * Comparing plain resource objects (servers, volumes, snapshots, images) by a SortSpec, as the providers' databases
 * order them, on the keys the API shows (see sort-fields.ts). Choices, documented because they are choices:
 * - NULL or missing is the smallest value (MySQL/MariaDB and SQLite order): first ascending, last descending.
 * - Two ISO 8601 timestamps compare as instants (`...T00:00:00Z`, Cinder's `...T00:00:00.000000` and offsets mix).
 * - Numbers compare as numbers, booleans as 0/1.
 * - Other strings compare case-insensitively first, then by code point: close to MySQL's default *_ci collations.
 * - Values of different kinds (never seen from one column) order as boolean < number < string < anything else.
 */
export function compareSortValues(a: unknown, b: unknown): number {
  const aNull = a === null || a === undefined;
  const bNull = b === null || b === undefined;
  if (aNull || bNull) return aNull && bNull ? 0 : aNull ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return Math.sign(a - b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  const kind = kindRank(a) - kindRank(b);
  if (kind !== 0) return kind;
  return compareUtf8(JSON.stringify(a) ?? '', JSON.stringify(b) ?? '');
}

/** Compares two resources on the spec's visible keys; 0 means the proxy cannot tell them apart. */
export function compareBySpec(a: unknown, b: unknown, spec: SortSpec): number {
  for (const { key, dir } of spec.keys) {
    const path = sortField(spec.service, key);
    if (!path) continue;
    const c = compareSortValues(valueAt(a, path), valueAt(b, path));
    if (c !== 0) return dir === 'desc' ? -c : c;
  }
  return 0;
}

/** Where the item and the marker stand among the providers (their order in the merge: configured priority). */
export interface ProviderRanks {
  readonly itemRank: number;
  readonly markerRank: number;
}

/**
 * Whether `item`, from a provider that does not hold the marker, comes after the marker in the merged order, so
 * that such providers can be filtered by the marker's sort values. Resources equal on every visible key are ordered
 * by provider rank (as mergeSorted orders them); without ranks such a tie counts as not after.
 */
export function afterMarker(item: unknown, markerItem: unknown, spec: SortSpec, ranks?: ProviderRanks): boolean {
  const c = compareBySpec(item, markerItem, spec);
  if (c !== 0) return c > 0;
  return ranks !== undefined && ranks.itemRank > ranks.markerRank;
}

function kindRank(v: unknown): number {
  if (typeof v === 'boolean') return 0;
  if (typeof v === 'number') return 1;
  if (typeof v === 'string') return 2;
  return 3;
}

function compareStrings(a: string, b: string): number {
  const ta = parseTimestamp(a);
  const tb = parseTimestamp(b);
  if (ta && tb) return Math.sign(ta.seconds - tb.seconds) || Math.sign(ta.nanos - tb.nanos);
  return compareUtf8(a.toLowerCase(), b.toLowerCase()) || compareUtf8(a, b);
}

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/** An ISO 8601 date-time as whole seconds since the epoch plus nanoseconds; no zone means UTC (as OpenStack stores). */
function parseTimestamp(s: string): { seconds: number; nanos: number } | undefined {
  const m = ISO_8601.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, frac = '', zone = 'Z'] = m;
  let seconds = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec)) / 1000;
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    seconds -= sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2)) * 60);
  }
  return { seconds, nanos: Number(frac.padEnd(9, '0')) };
}
