import { parseListingOrder } from '../../../../src/services/front-engine/listing-order';

const q = (s: string) => new URLSearchParams(s);

describe('listing order', () => {
  it('Cinder default: created_at desc, id desc; timestamps compared as instants', () => {
    const o = parseListingOrder('cinder', q(''));
    expect(o.keys).toEqual([
      { key: 'created_at', dir: 'desc' },
      { key: 'id', dir: 'desc' },
    ]);
    const older = { id: 'b', created_at: '2024-01-01T10:00:00.000000' };
    const newer = { id: 'a', created_at: '2024-01-01T10:00:01Z' };
    expect(o.compare(newer, older)).toBeLessThan(0);
    expect(o.compare({ id: 'b', created_at: 'x' }, { id: 'a', created_at: 'x' })).toBeLessThan(0);
  });

  it('Nova reads sort_key/sort_dir (repeated) and its detail field names', () => {
    const o = parseListingOrder('nova', q('sort_key=display_name&sort_key=created_at&sort_dir=asc'));
    expect(o.keys).toEqual([
      { key: 'display_name', dir: 'asc' },
      { key: 'created_at', dir: 'asc' },
      { key: 'id', dir: 'asc' },
    ]);
    expect(
      o.compare({ name: 'a', created: '2024-01-01T00:00:00Z' }, { name: 'b', created: '2023-01-01T00:00:00Z' }),
    ).toBeLessThan(0);
  });

  it('Cinder and Glance read sort=key:dir,key', () => {
    const o = parseListingOrder('glance', q('sort=size:asc,name'));
    expect(o.keys).toEqual([
      { key: 'size', dir: 'asc' },
      { key: 'name', dir: 'desc' },
      { key: 'created_at', dir: 'asc' },
      { key: 'id', dir: 'asc' },
    ]);
    expect(o.compare({ size: 2 }, { size: 10 })).toBeLessThan(0);
  });

  it('NULLs sort first ascending', () => {
    const o = parseListingOrder('cinder', q('sort=name:asc'));
    expect(o.compare({ name: null, id: 'z' }, { name: 'a', id: 'a' })).toBeLessThan(0);
  });

  it('an unknown direction is a 400, not a crash', () => {
    expect(() => parseListingOrder('nova', q('sort_key=name&sort_dir=up'))).toThrow(
      expect.objectContaining({ status: 400 }),
    );
    expect(() => parseListingOrder('cinder', q('sort=name:sideways'))).toThrow(
      expect.objectContaining({ status: 400 }),
    );
    expect(() => parseListingOrder('nova', q('sort_dir=asc&sort_dir=desc&sort_key=a'))).toThrow(/size exceeds/);
  });
});
