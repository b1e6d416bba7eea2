import { ItemNotFound, PreconditionFailed } from '../../../../src/errors/errors';
import {
  parseContainerObject,
  parseSwiftPath,
  swiftUnquote,
  targetOf,
} from '../../../../src/services/object-store/swift-path';

describe('parseSwiftPath: like Swift, decode the whole path, then split in at most 4', () => {
  it.each([
    ['/v1/AUTH_p', { level: 'account', account: 'AUTH_p' }],
    ['/v1/AUTH_p/', { level: 'account', account: 'AUTH_p' }],
    ['/v1/AUTH_p/c', { level: 'container', account: 'AUTH_p', container: 'c' }],
    ['/v1/AUTH_p/c/', { level: 'container', account: 'AUTH_p', container: 'c' }],
    ['/v1/AUTH_p/c/o', { level: 'object', account: 'AUTH_p', container: 'c', object: 'o' }],
    ['/v1/AUTH_p/c/a/b/', { level: 'object', account: 'AUTH_p', container: 'c', object: 'a/b/' }],
    ['/v1/AUTH_p/c/a/../b', { level: 'object', account: 'AUTH_p', container: 'c', object: 'a/../b' }],
    ['/v1/AUTH_p/c//x', { level: 'object', account: 'AUTH_p', container: 'c', object: '/x' }],
    // %2F is a "/" to Swift: the container ends at the first one, decoded or not.
    ['/v1/AUTH_p/c%2Fo%2Fp', { level: 'object', account: 'AUTH_p', container: 'c', object: 'o/p' }],
    ['/v1/AUTH_p/c/x%252Fy', { level: 'object', account: 'AUTH_p', container: 'c', object: 'x%2Fy' }],
    [
      '/v1/AUTH_p/ph%C3%B6tos@home/%F0%9F%90%88',
      { level: 'object', account: 'AUTH_p', container: 'phötos@home', object: '🐈' },
    ],
  ])('%s', (path, expected) => {
    expect(targetOf(parseSwiftPath(path))).toEqual(expected);
  });

  it('invalid UTF-8 or NUL is a 412 like Swift', () => {
    expect(() => parseSwiftPath('/v1/AUTH_p/c/%FF')).toThrow(PreconditionFailed);
    expect(() => parseSwiftPath('/v1/AUTH_p/c/a%00b')).toThrow(PreconditionFailed);
  });

  it('no account is a 404', () => {
    expect(() => parseSwiftPath('/v1')).toThrow(ItemNotFound);
  });

  it('an object under an empty container name is a 412', () => {
    expect(() => parseSwiftPath('/v1/AUTH_p//o')).toThrow(PreconditionFailed);
  });

  it('keeps a bad escape as it is (Python unquote)', () => {
    expect(swiftUnquote('a%zzb%4')).toBe('a%zzb%4');
  });
});

describe('parseContainerObject (X-Copy-From, Destination)', () => {
  it.each([
    ['c/o', { container: 'c', object: 'o' }],
    ['/c/a/b', { container: 'c', object: 'a/b' }],
    ['c%40home/%C3%A9', { container: 'c@home', object: 'é' }],
  ])('%s', (v, expected) => {
    expect(parseContainerObject(v)).toEqual(expected);
  });

  it.each(['c', 'c/', '/o', ''])('%s is not container/object', (v) => {
    expect(parseContainerObject(v)).toBeUndefined();
  });
});
