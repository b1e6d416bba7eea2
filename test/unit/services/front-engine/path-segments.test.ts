import { joinPath, rawQuery, splitPath, translateSegments } from '../../../../src/services/front-engine/path-segments';

describe('path segments', () => {
  it('decodes, then re-encodes what must be', () => {
    expect(splitPath('/volumes/abc%40bu/action')).toEqual(['volumes', 'abc@bu', 'action']);
    expect(joinPath(['volumes', 'abc', 'a/b c'])).toBe('/volumes/abc/a%2Fb%20c');
    expect(joinPath(['tags', 'x@y:z'])).toBe('/tags/x@y:z');
  });

  it.each(['/volumes/..', '/volumes/%2E%2E/x', '/./x'])('refuses %s', (p) => {
    expect(() => splitPath(p)).toThrow(/not allowed/);
  });

  it('refuses malformed percent-encoding with a 400', () => {
    expect(() => splitPath('/volumes/%E0%A4%A')).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('keeps the raw query and translates project segments', () => {
    expect(rawQuery('/a/b?x=1&y=2')).toBe('?x=1&y=2');
    expect(rawQuery('/a/b')).toBe('');
    expect(translateSegments(['os-quota-sets', 'hp'], 'hp', 'pp')).toEqual(['os-quota-sets', 'pp']);
  });
});
