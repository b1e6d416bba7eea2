import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSwiftListing, type SwiftNamedRow, type SwiftRow } from '../../../../src/fanout/merge/swift-rows';
import { listSwiftWindow } from '../../../../src/fanout/merge/swift-window';
import { pyJsonDumps, renderSwiftListing } from '../../../../src/services/object-store/formats';
import { parseSwiftListingQuery } from '../../../../src/services/object-store/listing-query';

interface Capture {
  label: string;
  level: 'account' | 'container';
  listing_name: string;
  request: string;
  accept: string | null;
  status: number;
  content_type: string;
  vary: string | null;
  body_hex: string;
}

// Real responses of the lab's tempauth Swift 2.30.1; see test/fixtures/swift/live/capture.py.
const captures = (
  JSON.parse(readFileSync(join(__dirname, '../../../fixtures/swift/live/listings.json'), 'utf8')) as {
    responses: Capture[];
  }
).responses;

const byLabel = new Map(captures.map((c) => [c.label, c]));
const body = (c: Capture): Buffer => Buffer.from(c.body_hex, 'hex');
const query = (c: Capture): string => c.request.split('?')[1] ?? '';

function capture(label: string): Capture {
  const c = byLabel.get(label);
  if (!c) throw new Error(`no capture ${label}`);
  return c;
}

function rowsOf(label: string): SwiftRow[] {
  const c = capture(label);
  const rows = parseSwiftListing(JSON.parse(body(c).toString('utf8')) as unknown, c.level);
  if (!rows) throw new Error(`${label} is not a listing`);
  return rows;
}

const stems = [
  'account',
  'account delimiter',
  'container',
  'container delimiter',
  'container reverse',
  'empty container',
  'empty account',
];

describe('renderSwiftListing reproduces a real Swift 2.30.1 byte for byte', () => {
  it.each(stems.flatMap((s) => ['json', 'xml', 'plain'].map((f) => [s, f] as const)))('%s as %s', (stem, fmt) => {
    const c = capture(`${stem} ${fmt}`);
    const parsed = parseSwiftListingQuery(query(c), c.accept ?? undefined, c.level);
    if (!parsed.ok) throw new Error('capture request should parse');
    const out = renderSwiftListing(rowsOf(`${stem} json`), parsed.query.contentType, c.level, c.listing_name);
    expect({ status: out.status, type: out.contentType, body: out.body.toString('hex') }).toEqual({
      status: c.status,
      type: c.content_type,
      body: c.body_hex,
    });
  });

  it('negotiates text/xml from Accept and says Vary: Accept', () => {
    const c = capture('container text/xml by Accept');
    const parsed = parseSwiftListingQuery(query(c), c.accept ?? undefined, c.level);
    expect(parsed.ok && [parsed.query.contentType, parsed.query.varyAccept]).toEqual(['text/xml', true]);
    expect(c.vary).toBe('Accept');
    const out = renderSwiftListing(rowsOf('container json'), 'text/xml', 'container', c.listing_name);
    expect(out.body.equals(body(c))).toBe(true);
  });

  it('escapes the container name attribute as Swift does', () => {
    const c = capture('container odd name xml');
    expect(renderSwiftListing([], 'application/xml', 'container', c.listing_name).body.equals(body(c))).toBe(true);
  });

  it('writes the JSON of a real listing again byte for byte', () => {
    for (const stem of stems) {
      const c = capture(`${stem} json`);
      expect(pyJsonDumps(rowsOf(`${stem} json`))).toBe(body(c).toString('latin1'));
    }
  });
});

describe('listSwiftWindow and parseSwiftListingQuery agree with a real Swift 2.30.1', () => {
  it.each(['container delimiter json', 'container reverse json', 'account delimiter json'])('%s', (label) => {
    const c = capture(label);
    const parsed = parseSwiftListingQuery(query(c), undefined, c.level);
    if (!parsed.ok) throw new Error('capture request should parse');
    const full = rowsOf(c.level === 'account' ? 'account json' : 'container json') as SwiftNamedRow[];
    // The account capture is itself limited to prefix=ocx-fmt-, which the delimiter request repeats.
    expect(listSwiftWindow(full, parsed.query.window)).toEqual(rowsOf(label));
  });

  it.each(['limit too big', 'limit too big (account)', 'not acceptable', 'invalid accept', 'marker not utf-8'])(
    'refuses like Swift: %s',
    (label) => {
      const c = capture(label);
      const parsed = parseSwiftListingQuery(query(c), c.accept ?? undefined, c.level);
      expect(parsed.ok ? undefined : parsed.error).toEqual({
        status: c.status,
        body: body(c).toString('utf8'),
        contentType: c.content_type,
      });
    },
  );
});
