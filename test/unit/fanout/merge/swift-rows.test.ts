import { isSubdirRow, parseSwiftListing, swiftRowKey } from '../../../../src/fanout/merge/swift-rows';

describe('parseSwiftListing', () => {
  it('accepts Swift account and container listings as they are', () => {
    const account = [{ name: 'c', count: 1, bytes: 2, last_modified: 'x' }, { subdir: 'd-' }];
    expect(parseSwiftListing(account, 'account')).toEqual(account);
    const container = [{ bytes: 1, hash: 'h', name: 'o', content_type: 't', last_modified: 'x', slo_etag: '"e"' }];
    expect(parseSwiftListing(container, 'container')?.[0]).toBe(container[0]);
  });

  it('refuses anything else', () => {
    expect(parseSwiftListing({}, 'container')).toBeUndefined();
    expect(parseSwiftListing([1], 'container')).toBeUndefined();
    expect(parseSwiftListing([{ hash: 'h' }], 'container')).toBeUndefined();
    expect(parseSwiftListing([{ name: 'c', count: '1', bytes: 0, last_modified: 'x' }], 'account')).toBeUndefined();
  });

  it('keys a row by its name or its subdir', () => {
    expect(swiftRowKey({ subdir: 'a/' })).toBe('a/');
    expect(isSubdirRow({ name: 'a/' })).toBe(false);
  });
});
