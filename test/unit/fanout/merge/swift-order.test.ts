import { bumpLastCodePoint, compareUtf8 } from '../../../../src/fanout/merge/swift-order';
import { Prng } from './prng';

const SYMBOLS = [
  'a',
  'Z',
  '/',
  '\u00e9',
  '\u07ff',
  '\u0800',
  '\ud7ff',
  '\ue000',
  '\uff5e',
  '\uffff',
  '\u{10000}',
  '\u{1F600}',
  '\u{10FFFF}',
];

describe('compareUtf8', () => {
  it('orders like Buffer.compare of the UTF-8 bytes (seeded random pairs)', () => {
    const rng = new Prng(7);
    for (let i = 0; i < 5000; i += 1) {
      const a = rng.word(SYMBOLS, 4);
      const b = rng.word(SYMBOLS, 4);
      expect(Math.sign(compareUtf8(a, b))).toBe(Buffer.compare(Buffer.from(a), Buffer.from(b)));
    }
  });

  it('puts astral characters after U+FFFD, unlike JavaScript string order', () => {
    expect(compareUtf8('\ufffd', '\u{1F600}')).toBeLessThan(0);
    expect('\ufffd' < '\u{1F600}').toBe(false);
  });
});

describe('bumpLastCodePoint', () => {
  it('increments the last code point, astral ones included', () => {
    expect(bumpLastCodePoint('a/')).toBe('a0');
    expect(bumpLastCodePoint('x\u{1F600}')).toBe('x\u{1F601}');
    expect(bumpLastCodePoint('')).toBe('');
  });
});
