import { rewriteUrl, rewriteUrlsDeep, rewriteUrlsInJsonText, type UrlMapping } from '../../../src/catalog/links';

const mappings: UrlMapping[] = [
  { from: 'http://10.0.0.5:5000', to: 'https://proxy.example/identity' },
  { from: 'https://nova.internal/v2.1', to: 'https://proxy.example/compute/v2.1' },
];

/** The text form answers what the document form answers. */
function expectSameAsDeep(text: string): string {
  const out = rewriteUrlsInJsonText(text, mappings);
  expect(JSON.parse(out)).toEqual(rewriteUrlsDeep(JSON.parse(text) as unknown, mappings));
  return out;
}

describe('rewriteUrl', () => {
  it('rewrites the base itself and what follows it after / or ?, nothing else', () => {
    expect(rewriteUrl('http://10.0.0.5:5000', mappings)).toBe('https://proxy.example/identity');
    expect(rewriteUrl('http://10.0.0.5:5000/v3', mappings)).toBe('https://proxy.example/identity/v3');
    expect(rewriteUrl('http://10.0.0.5:5000?x=1', mappings)).toBe('https://proxy.example/identity?x=1');
    expect(rewriteUrl('http://10.0.0.5:50001/v3', mappings)).toBe('http://10.0.0.5:50001/v3');
    expect(rewriteUrl('http://10.0.0.5:5000#x', mappings)).toBe('http://10.0.0.5:5000#x');
    expect(rewriteUrl('HTTP://10.0.0.5:5000/v3', mappings)).toBe('HTTP://10.0.0.5:5000/v3');
  });
});

describe('rewriteUrlsInJsonText', () => {
  it('rewrites string values and keeps keys, spacing and other values as written', () => {
    const text =
      '{ "links": {"self": "http://10.0.0.5:5000/v3/projects/p1", "next" : null},\n' +
      '  "http://10.0.0.5:5000/v3": "key, not a value", "n": 1.50, "big": 12345678901234567890,\n' +
      '  "list": ["https://nova.internal/v2.1/servers", "http://elsewhere/x", true] }';
    const out = expectSameAsDeep(text);
    expect(out).toBe(
      '{ "links": {"self": "https://proxy.example/identity/v3/projects/p1", "next" : null},\n' +
        '  "http://10.0.0.5:5000/v3": "key, not a value", "n": 1.50, "big": 12345678901234567890,\n' +
        '  "list": ["https://proxy.example/compute/v2.1/servers", "http://elsewhere/x", true] }',
    );
  });

  it('sees URLs written with escapes, and strings holding quotes and backslashes', () => {
    const text = JSON.stringify({
      a: 'http:\\/\\/10.0.0.5:5000\\/v3',
      b: 'say "http://10.0.0.5:5000" \\',
      c: 'http://10.0.0.5:5000/v3?q="x"\\y',
      d: ['\\', '"', '\\"', 'http://10.0.0.5:5000/é'],
    });
    const escaped = '{"self":"http:\\/\\/10.0.0.5:5000\\/v3\\/auth","u":"\\u0068ttp://10.0.0.5:5000/x"}';
    expect(JSON.parse(expectSameAsDeep(escaped))).toEqual({
      self: 'https://proxy.example/identity/v3/auth',
      u: 'https://proxy.example/identity/x',
    });
    expectSameAsDeep(text);
  });

  it('answers the same values as the document rewrite over varied documents', () => {
    const strings = [
      'http://10.0.0.5:5000',
      'http://10.0.0.5:5000/v3/x',
      'https://nova.internal/v2.1/servers?marker=a',
      'https://nova.internal/v2.10',
      'plain',
      '',
      'a "quoted" http://10.0.0.5:5000',
      'back\\slash',
      'http://10.0.0.5:5000/\u2028/\ud83d\ude00',
    ];
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const build = (depth: number): unknown => {
      const kind = random(depth > 3 ? 3 : 6);
      if (kind === 0) return strings[random(strings.length)];
      if (kind === 1) return random(2) === 0 ? random(1000) / 7 : null;
      if (kind === 2) return random(2) === 0;
      if (kind === 3) return Array.from({ length: random(4) }, () => build(depth + 1));
      const doc: Record<string, unknown> = {};
      for (let i = random(4); i > 0; i--) doc[strings[random(strings.length)] ?? 'k'] = build(depth + 1);
      return doc;
    };
    for (let i = 0; i < 300; i++) {
      const doc = build(0);
      expectSameAsDeep(JSON.stringify(doc));
      expectSameAsDeep(JSON.stringify(doc, null, i % 3));
    }
  });

  it('leaves a text without a provider URL as it is', () => {
    const text = '{"a": "http://elsewhere/v3", "b": [1, 2]}';
    expect(rewriteUrlsInJsonText(text, mappings)).toBe(text);
    expect(rewriteUrlsInJsonText('"http://10.0.0.5:5000/v3"', mappings)).toBe('"https://proxy.example/identity/v3"');
    expect(rewriteUrlsInJsonText(text, [])).toBe(text);
  });
});
