import { bumpLastCodePoint, compareUtf8 } from './swift-order';
import type { SwiftNamedRow, SwiftSubdirRow } from './swift-rows';

/**
 * One Swift listing request's window. Empty strings mean "not given", as in Swift, where every check is a
 * truthiness test (`if end_marker and ...`). `path` (container listings only) is different: `path=` is a real
 * value (top-level objects only), so "not given" is `undefined`.
 */
export interface SwiftWindow {
  readonly marker: string;
  readonly endMarker: string;
  readonly prefix: string;
  readonly delimiter: string;
  readonly path?: string;
  readonly limit: number;
  readonly reverse: boolean;
}

/** swift/common/constraints.py ACCOUNT_LISTING_LIMIT = CONTAINER_LISTING_LIMIT = 10000 (default and maximum). */
export const SWIFT_LISTING_LIMIT = 10000;

/**
 * A provider page shorter than the limit asked for holds everything that provider has in the window (Swift fills
 * a page up to `limit`, across shards too). `limit=0` pages are always empty and final.
 */
export function isSwiftPageComplete(rowCount: number, limit: number): boolean {
  return rowCount < limit || limit === 0;
}

/** The query a provider is asked with: the client's window as JSON (the proxy renders the client's format). */
export function swiftProviderQuery(window: SwiftWindow): Array<[string, string]> {
  const pairs: Array<[string, string]> = [
    ['format', 'json'],
    ['limit', String(window.limit)],
  ];
  const optional: Array<[string, string]> = [
    ['marker', window.marker],
    ['end_marker', window.endMarker],
    ['prefix', window.prefix],
    ['delimiter', window.delimiter],
  ];
  for (const pair of optional) if (pair[1] !== '') pairs.push(pair);
  if (window.path !== undefined) pairs.push(['path', window.path]);
  if (window.reverse) pairs.push(['reverse', 'true']);
  return pairs;
}

interface Bound {
  readonly value: string;
  readonly inclusive: boolean;
}

/** Swift's RESERVED_BYTE namespace: listings without X-Backend-Allow-Reserved-Names skip names below '\x01'. */
const FIRST_USER_NAME: Bound = { value: '\x01', inclusive: true };

/**
 * One big listing: the rows of one account or container (any order, unique names) seen through a window, exactly
 * as Swift 2.30.1's brokers answer it. This is a line-by-line port of ContainerBroker.list_objects_iter (and
 * AccountBroker.list_containers_iter, the same loop without `path`), including its quirks: a subdir equal to the
 * marker is not repeated, a marker inside a subdir still yields that subdir, and the forward `path` walk skips a
 * name equal to `<dir>0`. test/fixtures/swift/oracle/ holds the brokers' own answers this is checked against.
 * Used as the reference for merged pages and by fakes that play a provider.
 */
export function listSwiftWindow<R extends SwiftNamedRow>(
  rows: readonly R[],
  window: SwiftWindow,
): Array<R | SwiftSubdirRow> {
  const sorted = [...rows].sort((a, b) => compareUtf8(a.name, b.name));
  const names = sorted.map((r) => r.name);
  const { limit, reverse } = window;
  let [marker, endMarker] = reverse ? [window.endMarker, window.marker] : [window.marker, window.endMarker];
  let { prefix, delimiter } = window;
  let path = window.path;
  if (path !== undefined) {
    prefix = path;
    if (path) prefix = path = `${path.replace(/\/+$/, '')}/`;
    delimiter = '/';
  }
  const endPrefix = prefix ? bumpLastCodePoint(prefix) : '';
  const origMarker = marker;
  let forceGte = false;
  const results: Array<R | SwiftSubdirRow> = [];
  while (results.length < limit) {
    let upper: Bound | undefined;
    if (endMarker && (!prefix || compareUtf8(endMarker, endPrefix) < 0)) upper = { value: endMarker, inclusive: false };
    else if (prefix) upper = { value: endPrefix, inclusive: false };
    let lower: Bound | undefined;
    if (forceGte) lower = { value: marker, inclusive: true };
    else if (marker && (!prefix || compareUtf8(marker, prefix) >= 0)) lower = { value: marker, inclusive: false };
    else if (prefix) lower = { value: prefix, inclusive: true };
    forceGte = false;
    const batch = query(names, [lower, FIRST_USER_NAME], upper, reverse, limit - results.length);
    if (!delimiter) return batch.map((i) => sorted[i] as R);
    let rowcount = 0;
    for (const i of batch) {
      rowcount += 1;
      const row = sorted[i] as R;
      const name = row.name;
      if (reverse) endMarker = name;
      else marker = name;
      if (results.length >= limit) return results;
      const end = name.indexOf(delimiter, prefix.length);
      if (path !== undefined) {
        if (name === path) continue;
        if (end >= 0 && name.length > end + delimiter.length) {
          if (reverse) endMarker = name.slice(0, end + delimiter.length);
          else marker = name.slice(0, end) + bumpLastCodePoint(delimiter);
          break;
        }
      } else if (end >= 0) {
        if (reverse) endMarker = name.slice(0, end + delimiter.length);
        else {
          marker = name.slice(0, end) + bumpLastCodePoint(delimiter);
          forceGte = true;
        }
        const dirName = name.slice(0, end + delimiter.length);
        if (dirName !== origMarker) results.push({ subdir: dirName });
        break;
      }
      results.push(row);
    }
    if (rowcount === 0) break;
  }
  return results;
}

/** `SELECT ... WHERE lower AND upper ORDER BY name [DESC] LIMIT n` over sorted names: the matching indexes. */
function query(
  names: readonly string[],
  lowers: ReadonlyArray<Bound | undefined>,
  upper: Bound | undefined,
  reverse: boolean,
  count: number,
): number[] {
  let from = 0;
  for (const bound of lowers) {
    if (bound) from = Math.max(from, firstAbove(names, bound));
  }
  const to = upper ? firstAbove(names, { value: upper.value, inclusive: !upper.inclusive }) : names.length;
  const out: number[] = [];
  if (reverse) for (let i = to - 1; i >= from && out.length < count; i -= 1) out.push(i);
  else for (let i = from; i < to && out.length < count; i += 1) out.push(i);
  return out;
}

/** The first index whose name satisfies `name >= value` (inclusive) or `name > value`. */
function firstAbove(names: readonly string[], bound: Bound): number {
  let lo = 0;
  let hi = names.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const cmp = compareUtf8(names[mid] as string, bound.value);
    if (cmp > 0 || (bound.inclusive && cmp === 0)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
