import { PreconditionFailed } from '../../../../src/errors/errors';
import {
  compareNames,
  mergePages,
  parseListingRequest,
  renderRows,
} from '../../../../src/services/object-store/listing-adapter';
import type { ListingRow, ListingWindow, ProviderPage } from '../../../../src/services/object-store/listing-fetch';

/** A reference single-cluster Swift listing (container broker semantics) over a set of names. */
function swiftList(all: readonly string[], w: ListingWindow): ListingRow[] {
  const dir = w.reverse ? -1 : 1;
  const names = [...new Set(all)].sort((a, b) => dir * compareNames(a, b));
  const out: ListingRow[] = [];
  const prefix = w.prefix ?? '';
  let lastSubdir: string | undefined;
  for (const name of names) {
    if (out.length >= w.limit) break;
    if (!name.startsWith(prefix)) continue;
    if (w.marker !== undefined && dir * compareNames(name, w.marker) <= 0) continue;
    if (w.endMarker !== undefined && dir * compareNames(name, w.endMarker) >= 0) continue;
    if (w.delimiter) {
      const i = name.indexOf(w.delimiter, prefix.length);
      if (i >= 0) {
        const sub = name.slice(0, i + w.delimiter.length);
        if (sub !== lastSubdir && sub !== w.marker) out.push({ subdir: sub });
        lastSubdir = sub;
        continue;
      }
    }
    out.push({ name, bytes: name.length });
  }
  return out;
}

function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

const ALPHABET = ['a', 'b', '/', 'é', '🐈', 'Z', '-', '\uffff'];

function randomNames(r: () => number, n: number): string[] {
  return Array.from({ length: n }, () =>
    Array.from({ length: 1 + Math.floor(r() * 4) }, () => ALPHABET[Math.floor(r() * ALPHABET.length)]).join(''),
  );
}

function pages(providers: string[][], w: ListingWindow): ProviderPage[] {
  return providers.map((names, i) => ({ provider: `p${i}`, status: 200, headers: {}, rows: swiftList(names, w) }));
}

const keyOf = (r: ListingRow): string => String(r['name'] ?? r['subdir']);

describe('merged listings equal one big listing (DESIGN.md "Merged listings")', () => {
  it('orders by UTF-8 bytes, not UTF-16 code units', () => {
    expect(compareNames('\uffff', '🐈')).toBeLessThan(0);
    expect('\uffff' > '🐈').toBe(true);
  });

  it('any window over spread names = the same window over one cluster', () => {
    const r = rng(42);
    for (let round = 0; round < 300; round++) {
      const spread = [randomNames(r, 12), randomNames(r, 8), randomNames(r, 5)];
      const pick = (): string | undefined => (r() < 0.4 ? randomNames(r, 1)[0] : undefined);
      const w: ListingWindow = {
        marker: pick(),
        endMarker: pick(),
        prefix: r() < 0.3 ? ALPHABET[Math.floor(r() * 3)] : undefined,
        delimiter: r() < 0.4 ? (r() < 0.8 ? '/' : 'é🐈') : undefined,
        reverse: r() < 0.5,
        limit: 1 + Math.floor(r() * 10),
      };
      const merged = mergePages(pages(spread, w), w, 'container');
      expect(merged.map(keyOf)).toEqual(swiftList(spread.flat(), w).map(keyOf));
    }
  });

  it('walking pages by marker yields the big listing, no duplicates, no gaps', () => {
    const r = rng(7);
    for (let round = 0; round < 50; round++) {
      const spread = [randomNames(r, 30), randomNames(r, 20)];
      const base = { reverse: r() < 0.5, delimiter: r() < 0.5 ? '/' : undefined };
      const all = swiftList(spread.flat(), { ...base, limit: 10_000 }).map(keyOf);
      const walked: string[] = [];
      let marker: string | undefined;
      for (;;) {
        const w = { ...base, marker, limit: 3 };
        const page = mergePages(pages(spread, w), w, 'container');
        if (page.length === 0) break;
        walked.push(...page.map(keyOf));
        marker = keyOf(page[page.length - 1] as ListingRow);
      }
      expect(walked).toEqual(all);
    }
  });

  it('same-name containers are one row with summed counters; the first provider wins for objects', () => {
    const w = { reverse: false, limit: 10 };
    const account = mergePages(
      [
        { provider: 'home', status: 200, headers: {}, rows: [{ name: 'photos', count: 2, bytes: 10, last_modified: '2024-01-01T00:00:00.000000' }] },
        { provider: 'bu', status: 200, headers: {}, rows: [{ name: 'photos', count: 3, bytes: 5, last_modified: '2025-01-01T00:00:00.000000' }] },
      ],
      w,
      'account',
    );
    expect(account).toEqual([{ name: 'photos', count: 5, bytes: 15, last_modified: '2025-01-01T00:00:00.000000' }]);
    const objects = mergePages(
      [
        { provider: 'home', status: 200, headers: {}, rows: [{ name: 'o', hash: 'h1' }] },
        { provider: 'bu', status: 200, headers: {}, rows: [{ name: 'o', hash: 'h2' }] },
      ],
      w,
      'container',
    );
    expect(objects).toEqual([{ name: 'o', hash: 'h1' }]);
  });

  it('does not modify its inputs', () => {
    const rows = [Object.freeze({ name: 'c', count: 1, bytes: 1 })];
    const input = [
      { provider: 'a', status: 200, headers: {}, rows },
      { provider: 'b', status: 200, headers: {}, rows },
    ];
    expect(() => mergePages(input, { reverse: false, limit: 5 }, 'account')).not.toThrow();
    expect(rows[0]).toEqual({ name: 'c', count: 1, bytes: 1 });
  });
});

describe('listing query and rendering (listing_formats.py)', () => {
  it('format beats Accept; limit above 10000 is a 412', () => {
    expect(parseListingRequest('?format=json', 'application/xml').format).toBe('json');
    expect(parseListingRequest('', 'application/xml').format).toBe('xml');
    expect(parseListingRequest('', undefined).format).toBe('plain');
    expect(parseListingRequest('?limit=abc', undefined).window.limit).toBe(10_000);
    expect(() => parseListingRequest('?limit=10001', undefined)).toThrow(PreconditionFailed);
    expect(parseListingRequest('?reverse=on&marker=a&prefix=&delimiter=%2F', undefined).window).toEqual({
      marker: 'a',
      endMarker: undefined,
      prefix: undefined,
      delimiter: '/',
      reverse: true,
      limit: 10_000,
    });
  });

  const objects: ListingRow[] = [
    { subdir: 'dir/' },
    { bytes: 1, hash: 'h', name: 'été &<">', content_type: 'text/plain', last_modified: 't' },
  ];

  it('json like json.dumps (ASCII only)', () => {
    expect(renderRows(objects, 'json', { kind: 'container', name: 'c' }).body).toBe(
      '[{"subdir": "dir/"}, {"bytes": 1, "hash": "h", "name": "\\u00e9t\\u00e9 &<\\">", "content_type": "text/plain", "last_modified": "t"}]',
    );
  });

  it('xml byte for byte as Swift 2.30', () => {
    expect(renderRows(objects, 'xml', { kind: 'container', name: 'c' }).body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<container name="c"><subdir name="dir/"><name>dir/</name></subdir>' +
        '<object><name>été &amp;&lt;"&gt;</name><hash>h</hash><bytes>1</bytes><content_type>text/plain</content_type>' +
        '<last_modified>t</last_modified></object></container>',
    );
    expect(renderRows([], 'xml', { kind: 'container', name: 'c' }).body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<container name="c" />',
    );
    expect(renderRows([{ name: 'x', count: 0, bytes: 0, last_modified: 't' }], 'xml', { kind: 'account', name: 'AUTH_a' }).body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<account name="AUTH_a">\n' +
        '<container><name>x</name><count>0</count><bytes>0</bytes><last_modified>t</last_modified></container>\n</account>',
    );
  });

  it('plain: one name a line; empty is a 204', () => {
    expect(renderRows(objects, 'plain', { kind: 'container', name: 'c' })).toEqual({
      status: 200,
      contentType: 'text/plain; charset=utf-8',
      body: 'dir/\nété &<">\n',
    });
    expect(renderRows([], 'plain', { kind: 'account', name: 'a' }).status).toBe(204);
    expect(renderRows([], 'json', { kind: 'account', name: 'a' })).toEqual({
      status: 200,
      contentType: 'application/json; charset=utf-8',
      body: '[]',
    });
  });
});
