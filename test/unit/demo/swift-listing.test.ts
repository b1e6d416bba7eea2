// The fake Swift's listing rules (container broker semantics), table-driven: byte order, marker/end_marker,
// prefix, delimiter/subdir, reverse, limit, formats. It is the oracle for the proxy's merged listings.
import { listRows, parseListingQuery, renderListing } from '../../../src/demo/swift-listing';
import type { ListingParams } from '../../../src/demo/swift-listing';

const NAMES = ['a.txt', 'b/c.txt', 'b/d.txt', 'b/e/f.txt', 'c', 'Z', 'é', 'z'];
const entries = NAMES.map((n): [string, number] => [n, n.length]);
const run = (p: Partial<ListingParams>): string[] =>
  listRows(entries, { limit: 10000, reverse: false, ...p }).map((r) => (r.kind === 'subdir' ? `${r.name}*` : r.name));

describe('swift listing rules', () => {
  it.each<[string, Partial<ListingParams>, string[]]>([
    ['byte order (upper case first, é after z)', {}, ['Z', 'a.txt', 'b/c.txt', 'b/d.txt', 'b/e/f.txt', 'c', 'z', 'é']],
    ['marker is exclusive', { marker: 'b/c.txt' }, ['b/d.txt', 'b/e/f.txt', 'c', 'z', 'é']],
    ['end_marker is exclusive', { endMarker: 'b/d.txt' }, ['Z', 'a.txt', 'b/c.txt']],
    ['prefix', { prefix: 'b/' }, ['b/c.txt', 'b/d.txt', 'b/e/f.txt']],
    ['delimiter rolls up subdirs', { delimiter: '/' }, ['Z', 'a.txt', 'b/*', 'c', 'z', 'é']],
    ['prefix + delimiter', { prefix: 'b/', delimiter: '/' }, ['b/c.txt', 'b/d.txt', 'b/e/*']],
    ['marker equal to a subdir skips it', { delimiter: '/', marker: 'b/' }, ['c', 'z', 'é']],
    ['limit counts subdirs', { delimiter: '/', limit: 3 }, ['Z', 'a.txt', 'b/*']],
    ['reverse', { reverse: true, limit: 3 }, ['é', 'z', 'c']],
    [
      'reverse swaps marker bounds',
      { reverse: true, marker: 'c', endMarker: 'a.txt' },
      ['b/e/f.txt', 'b/d.txt', 'b/c.txt'],
    ],
    ['reverse + delimiter', { reverse: true, delimiter: '/', marker: 'c' }, ['b/*', 'a.txt', 'Z']],
  ])('%s', (_name, params, expected) => {
    expect(run(params)).toEqual(expected);
  });

  it('limit above 10000 is 412 "Maximum limit is 10000"; format from query or Accept', () => {
    expect(parseListingQuery({ limit: '10001' }, undefined)).toEqual({
      ok: false,
      status: 412,
      body: 'Maximum limit is 10000',
    });
    const fmt = (q: Record<string, unknown>, accept?: string): unknown => {
      const p = parseListingQuery(q, accept);
      return p.ok ? p.format : p.status;
    };
    expect(fmt({ format: 'json' })).toBe('json');
    expect(fmt({}, 'application/json')).toBe('json');
    expect(fmt({}, 'text/xml')).toBe('xml');
    expect(fmt({})).toBe('plain');
    expect(fmt({ format: 'json' }, 'text/plain')).toBe('json');
  });

  it('renders json rows with subdir entries, xml elements, and nothing for an empty plain listing', () => {
    const rows = listRows(entries, { limit: 3, reverse: false, delimiter: '/' });
    const root = { element: 'container' as const, name: 'c', child: 'object' as const };
    const json = renderListing(rows, 'json', root, (name, n) => ({ name, bytes: n }));
    expect(JSON.parse(json?.body ?? '')).toEqual([
      { name: 'Z', bytes: 1 },
      { name: 'a.txt', bytes: 5 },
      { subdir: 'b/' },
    ]);
    const xml = renderListing(rows, 'xml', root, (name, n) => ({ name, bytes: n }));
    expect(xml?.body).toContain('<container name="c"><object><name>Z</name><bytes>1</bytes></object>');
    expect(xml?.body).toContain('<subdir name="b/"><name>b/</name></subdir>');
    expect(renderListing([], 'plain', root, () => ({}))).toBeUndefined();
  });
});
