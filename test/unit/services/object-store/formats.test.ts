import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SwiftRow } from '../../../../src/fanout/merge/swift-rows';
import { pyJsonDumps, renderSwiftListing } from '../../../../src/services/object-store/formats';
import type { SwiftListingContentType } from '../../../../src/services/object-store/listing-query';
import { deepFreeze } from '../../fanout/merge/deep-freeze';

interface OracleCase {
  level: 'account' | 'container';
  listing_name: string;
  rows: SwiftRow[];
  out: SwiftListingContentType;
  status: number;
  content_type: string;
  body_hex: string;
}

// Swift 2.30.1's listing_formats output for the same rows; see test/fixtures/swift/oracle/generate.py.
const cases = (
  JSON.parse(readFileSync(join(__dirname, '../../../fixtures/swift/oracle/formats.json'), 'utf8')) as {
    cases: OracleCase[];
  }
).cases;

describe('renderSwiftListing against Swift 2.30.1 listing_formats', () => {
  it('has oracle cases', () => expect(cases.length).toBe(24));

  it.each(cases.map((c, i) => [i, c.level, c.out, c] as const))('#%i %s as %s', (_i, _l, _o, c) => {
    const out = renderSwiftListing(deepFreeze(c.rows), c.out, c.level, c.listing_name);
    expect({ status: out.status, contentType: out.contentType, body: out.body.toString('hex') }).toEqual({
      status: c.status,
      contentType: c.content_type,
      body: c.body_hex,
    });
  });
});

describe('renderSwiftListing (named cases)', () => {
  it('answers an empty plain listing with 204 and no body, JSON with [] and XML with a document', () => {
    expect(renderSwiftListing([], 'text/plain', 'container', 'c')).toEqual({
      status: 204,
      contentType: 'text/plain; charset=utf-8',
      body: Buffer.alloc(0),
    });
    expect(renderSwiftListing([], 'application/json', 'account', 'AUTH_a').body.toString()).toBe('[]');
    expect(renderSwiftListing([], 'text/xml', 'account', 'AUTH_a').body.toString()).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<account name="AUTH_a">\n</account>',
    );
  });

  it('drops rows in the reserved (NUL) namespace like filter_reserved', () => {
    const rows: SwiftRow[] = [{ subdir: '\x00v/' }, { subdir: 'd/' }];
    expect(renderSwiftListing(rows, 'text/plain', 'container', 'c').body.toString()).toBe('d/\n');
  });
});

describe('pyJsonDumps', () => {
  it('writes Python json.dumps separators and ASCII escapes', () => {
    expect(pyJsonDumps({ a: [1, null, true, '\x7f\u2028/\u{1F600}'], b: {} })).toBe(
      '{"a": [1, null, true, "\\u007f\\u2028/\\ud83d\\ude00"], "b": {}}',
    );
  });

  it('writes non-integral numbers as Python float repr', () => {
    // Expected strings printed by Python 3.11 json.dumps.
    const values = [1.5, 0.0001, 0.00001, 123.456, -0.5, 1e-7, 2.5e-5, 0.1 + 0.2, 0.1, -1e-10];
    expect(pyJsonDumps(values)).toBe(
      '[1.5, 0.0001, 1e-05, 123.456, -0.5, 1e-07, 2.5e-05, 0.30000000000000004, 0.1, -1e-10]',
    );
    expect(pyJsonDumps(2 ** 53 + 2)).toBe('9007199254740994');
  });
});
