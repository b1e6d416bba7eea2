import {
  accountOf,
  buildQuery,
  containerObjectRef,
  containerUrl,
  objectUrl,
} from '../../../../src/services/object-store/upstream-url';

const base = 'http://swift:8080/v1/AUTH_abc';

/** What the provider's Swift reads from the URL undici would send: WHATWG-normalised path, then unquoted. */
function swiftSees(url: string): string {
  return decodeURIComponent(new URL(url).pathname);
}

describe('provider URLs keep every name verbatim', () => {
  it.each([
    ['o', `${base}/c/o`],
    ['a/b/c', `${base}/c/a/b/c`],
    ['é 🐈?#%', `${base}/c/%C3%A9%20%F0%9F%90%88%3F%23%25`],
    ['a/../b', `${base}/c/a/..%2Fb`],
    ['..', `${base}/c%2F..`],
    ['./x', `${base}/c/.%2Fx`],
    ['a/../../b', `${base}/c/a/..%2F..%2Fb`],
    ['d/..', `${base}/c/d%2F..`],
    ['a//b', `${base}/c/a//b`],
  ])('object %j', (object, expected) => {
    const url = objectUrl(base, 'c', object);
    expect(url).toBe(expected);
    // The account part survives URL normalisation and Swift reads back the very same object name.
    expect(swiftSees(url)).toBe(`/v1/AUTH_abc/c/${object}`);
  });

  it('a container named ".." cannot climb out of the account', () => {
    const url = containerUrl(base, '..', '?format=json');
    expect(swiftSees(url)).toBe('/v1/AUTH_abc/..');
    expect(url.endsWith('?format=json')).toBe(true);
  });

  it('container/object references for headers', () => {
    expect(containerObjectRef('c d', 'x/é')).toBe('c%20d/x/%C3%A9');
  });

  it('accountOf', () => {
    expect(accountOf(base)).toBe('AUTH_abc');
    expect(accountOf('http://h/object-store/v1/AUTH_x/')).toBe('AUTH_x');
  });

  it('buildQuery skips undefined and encodes', () => {
    expect(
      buildQuery([
        ['a', 'x y'],
        ['b', undefined],
        ['c', 'é&'],
      ]),
    ).toBe('?a=x%20y&c=%C3%A9%26');
    expect(buildQuery([['b', undefined]])).toBe('');
  });
});
