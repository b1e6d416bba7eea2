import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSwiftListingQuery, type SwiftQueryResult } from '../../../../src/services/object-store/listing-query';

interface OracleCase {
  level: 'account' | 'container';
  query: string;
  accept: string | null;
  result:
    | { ok: true; content_type: string; vary: boolean; window: Record<string, unknown> }
    | { ok: false; status: number; body: string | null; content_type?: string };
}

// Swift 2.30.1's own answers (listing_formats + account server / proxy container GET); see oracle/generate.py.
const cases = (
  JSON.parse(readFileSync(join(__dirname, '../../../fixtures/swift/oracle/query.json'), 'utf8')) as {
    cases: OracleCase[];
  }
).cases;

function asOracle(r: SwiftQueryResult): OracleCase['result'] {
  if (!r.ok) return { ok: false, status: r.error.status, body: r.error.body, content_type: r.error.contentType };
  const w = r.query.window;
  return {
    ok: true,
    content_type: r.query.contentType,
    vary: r.query.varyAccept,
    window: {
      marker: w.marker,
      end_marker: w.endMarker,
      prefix: w.prefix,
      delimiter: w.delimiter,
      path: w.path ?? null,
      limit: w.limit,
      reverse: w.reverse,
    },
  };
}

describe('parseSwiftListingQuery against Swift 2.30.1', () => {
  const comparable = cases.filter((c) => c.result.ok || c.result.status !== 500);
  it('has oracle cases', () => expect(comparable.length).toBeGreaterThan(100));

  it.each(comparable.map((c) => [c.level, c.query, String(c.accept), c] as const))(
    '%s ?%s (Accept: %s)',
    (_l, _q, _a, c) => {
      expect(asOracle(parseSwiftListingQuery(c.query, c.accept ?? undefined, c.level))).toEqual(c.result);
    },
  );

  it('ignores a superscript limit, on which Swift itself fails with a 500 (int("²"))', () => {
    const crash = cases.filter((c) => !c.result.ok && c.result.status === 500).map((c) => c.query);
    expect(crash).toEqual(['limit=%C2%B2', 'limit=%C2%B2']);
    const r = parseSwiftListingQuery('limit=%C2%B2', undefined, 'container');
    expect(r.ok && r.query.window.limit).toBe(10000);
  });
});

describe('parseSwiftListingQuery (named cases)', () => {
  it('maps the negotiated type to a format', () => {
    const pick = (q: string, accept?: string) => {
      const r = parseSwiftListingQuery(q, accept, 'container');
      return r.ok ? [r.query.format, r.query.contentType] : r.error.status;
    };
    expect(pick('')).toEqual(['plain', 'text/plain']);
    expect(pick('format=json')).toEqual(['json', 'application/json']);
    expect(pick('', 'text/xml')).toEqual(['xml', 'text/xml']);
    expect(pick('format=xml', 'image/png')).toEqual(['xml', 'application/xml']);
    expect(pick('', 'image/png')).toBe(406);
  });

  it('keeps the BOM and astral characters of a marker', () => {
    const r = parseSwiftListingQuery('marker=%EF%BB%BFa%F0%9F%98%80', undefined, 'account');
    expect(r.ok && r.query.window.marker).toBe('\ufeffa\u{1F600}');
  });

  it('checks the account parameters in the account server order (limit before marker)', () => {
    const r = parseSwiftListingQuery('marker=%FF&limit=10001', undefined, 'account');
    expect(r.ok ? 0 : r.error.status).toBe(412);
    const c = parseSwiftListingQuery('marker=%FF&limit=10001', undefined, 'container');
    expect(c.ok ? 0 : c.error.status).toBe(400);
  });
});
