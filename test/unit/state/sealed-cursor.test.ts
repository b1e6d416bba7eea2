import { randomBytes } from 'node:crypto';
import { CursorSealer, looksSealed } from '../../../src/state/sealed-cursor';
import { ListingCursors, cursorBinding } from '../../../src/services/front-engine/listing-cursors';
import { BadRequest } from '../../../src/errors/errors';

const key = (id: string) => ({ id, key: new Uint8Array(randomBytes(32)) });
const ALICE = cursorBinding('alice', 'p1');

describe('sealed cursors: AES-256-GCM, bound to the caller', () => {
  const k1 = key('k1');
  const sealer = new CursorSealer([k1]);

  it('round-trips and hides what it carries', () => {
    const c = sealer.seal(ALICE, { c: { 'bu-keystone': 'server-42' } });
    expect(looksSealed(c)).toBe(true);
    expect(c.startsWith('ocx.k1.')).toBe(true);
    expect(c).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(c).not.toContain('bu-keystone');
    expect(Buffer.from(c.split('.')[2] as string, 'base64url').toString('latin1')).not.toContain('server-42');
    expect(sealer.open(ALICE, c)).toEqual({ c: { 'bu-keystone': 'server-42' } });
  });

  it('never seals the same payload to the same text (random IV)', () => {
    expect(sealer.seal(ALICE, { a: 1 })).not.toBe(sealer.seal(ALICE, { a: 1 }));
  });

  it('refuses another binding, tampering, truncation, an unknown key id and garbage', () => {
    const c = sealer.seal(ALICE, { a: 1 });
    expect(sealer.open(cursorBinding('bob', 'p1'), c)).toBeUndefined();
    expect(sealer.open(cursorBinding('alice', 'p2'), c)).toBeUndefined();
    const raw = Buffer.from(c.split('.')[2] as string, 'base64url');
    for (const i of [0, 12, raw.length - 1]) {
      const bad = Buffer.from(raw);
      bad[i] = (bad[i] as number) ^ 1;
      expect(sealer.open(ALICE, `ocx.k1.${bad.toString('base64url')}`)).toBeUndefined();
    }
    expect(sealer.open(ALICE, `ocx.k1.${raw.subarray(0, 20).toString('base64url')}`)).toBeUndefined();
    expect(sealer.open(ALICE, c.replace('ocx.k1.', 'ocx.k9.'))).toBeUndefined();
    expect(sealer.open(ALICE, 'ocx.k1.!!!')).toBeUndefined();
    expect(sealer.open(ALICE, 'ocx.')).toBeUndefined();
    expect(sealer.open(ALICE, 'server-42')).toBeUndefined();
  });

  it('rotation: the first key seals, every listed key opens; a dropped key no longer opens', () => {
    const k2 = key('k2');
    const old = sealer.seal(ALICE, { a: 1 });
    const rotated = new CursorSealer([k2, k1]);
    expect(rotated.open(ALICE, old)).toEqual({ a: 1 });
    expect(rotated.seal(ALICE, { a: 2 }).startsWith('ocx.k2.')).toBe(true);
    expect(new CursorSealer([k2]).open(ALICE, old)).toBeUndefined();
    // Same id, another key (an operator regenerated it): refused, not misread.
    expect(new CursorSealer([key('k1')]).open(ALICE, old)).toBeUndefined();
  });

  it('refuses keys of the wrong size and bad ids', () => {
    expect(() => new CursorSealer([])).toThrow();
    expect(() => new CursorSealer([{ id: 'k', key: new Uint8Array(16) }])).toThrow(/32 bytes/);
    expect(() => new CursorSealer([{ id: 'a.b', key: new Uint8Array(32) }])).toThrow(/id/);
  });
});

describe('listing cursors: next markers of merged listings', () => {
  let now = 1_800_000_000_000;
  const cursors = new ListingCursors(new CursorSealer([key('k1')]), 3_600_000, () => now);
  const LISTING = 'compute|servers/detail|home,bu-keystone|';

  it('a next marker of the same listing gives every provider its position', () => {
    const m = cursors.seal(ALICE, LISTING, 'srv-9', { home: 'srv-9', 'bu-keystone': null });
    expect(cursors.open(ALICE, LISTING, m)).toEqual({
      kind: 'cursors',
      id: 'srv-9',
      cursors: { home: 'srv-9', 'bu-keystone': null },
    });
  });

  it('another listing (other filters) continues after the marker item, as a typed id would', () => {
    const m = cursors.seal(ALICE, LISTING, 'srv-9', { home: 'srv-9' });
    expect(cursors.open(ALICE, `${LISTING}name=x`, m)).toEqual({ kind: 'item', id: 'srv-9' });
  });

  it('a plain id is an item marker', () => {
    expect(cursors.open(ALICE, LISTING, '6f1c2e0a-0000-4000-8000-000000000000')).toEqual({
      kind: 'item',
      id: '6f1c2e0a-0000-4000-8000-000000000000',
    });
  });

  it('another user, a forged or an expired marker is a BadRequest', () => {
    const m = cursors.seal(ALICE, LISTING, 'srv-9', { home: 'srv-9' });
    expect(() => cursors.open(cursorBinding('bob', 'p1'), LISTING, m)).toThrow(BadRequest);
    expect(() => cursors.open(ALICE, LISTING, `${m.slice(0, -2)}AA`)).toThrow(BadRequest);
    const forged = new ListingCursors(new CursorSealer([key('k1')]), 3_600_000, () => now).seal(ALICE, LISTING, 'x', {
      home: 'x',
    });
    expect(() => cursors.open(ALICE, LISTING, forged)).toThrow(BadRequest);
    now += 3_600_000 + 1000;
    expect(() => cursors.open(ALICE, LISTING, m)).toThrow(BadRequest);
  });
});
