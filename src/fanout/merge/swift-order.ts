/**
 * Swift's name order. Account and container databases are SQLite tables whose TEXT columns use the BINARY
 * collation, i.e. memcmp() over the UTF-8 bytes (swift/container/backend.py list_objects_iter: `ORDER BY name`).
 * UTF-8 byte order is Unicode code point order, which JavaScript's `<` (UTF-16 code units) gets wrong only when a
 * surrogate pair (U+10000 and up) meets a BMP character at or above U+E000: '\uFFFD' < '😀' in Swift, not in JS.
 */

const SURROGATE_MIN = 0xd800;
const SURROGATE_MAX = 0xdfff;

/**
 * Compares two names as Swift does: the same sign as `Buffer.compare(Buffer.from(a), Buffer.from(b))` for
 * well-formed strings, without allocating. At the first differing UTF-16 unit, a surrogate (part of a code point
 * above U+FFFF) sorts after every BMP unit from U+E000 up.
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codeUnitRank(x) - codeUnitRank(y);
  }
  return a.length - b.length;
}

/** Moves surrogates (D800-DFFF) above E000-FFFF, so that code unit order becomes code point order. */
function codeUnitRank(unit: number): number {
  if (unit < SURROGATE_MIN) return unit;
  return unit <= SURROGATE_MAX ? unit + 0x2000 : unit - 0x800;
}

/**
 * Python's `s[:-1] + chr(ord(s[-1]) + 1)` on a str: the last code point incremented. Swift uses it for the end of
 * a prefix range (`end_prefix`) and to jump past a delimiter group (`delimiter[:-1] + chr(ord(delimiter[-1]) + 1)`).
 */
export function bumpLastCodePoint(s: string): string {
  const last = s.codePointAt(s.length - 1);
  if (last === undefined) return s;
  // A low surrogate at the end is the second half of a pair: the code point starts one unit earlier.
  const start = last >= 0xdc00 && last <= 0xdfff && s.length >= 2 ? s.length - 2 : s.length - 1;
  const cp = s.codePointAt(start) ?? last;
  return s.slice(0, start) + String.fromCodePoint(Math.min(cp + 1, 0x10ffff));
}
