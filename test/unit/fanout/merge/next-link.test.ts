import { buildNextHref } from '../../../../src/fanout/merge/next-link';
import { deepFreeze } from './deep-freeze';

describe('buildNextHref', () => {
  it('points at the proxy, keeps the other parameters in order and puts the marker last', () => {
    expect(
      buildNextHref(
        'https://proxy.example/compute/',
        '/v2.1/servers/detail',
        deepFreeze([
          ['limit', '2'],
          ['marker', 'old'],
          ['sort_key', 'display_name'],
          ['sort_key', 'created_at'],
        ] as Array<[string, string]>),
        'id-9',
      ),
    ).toBe(
      'https://proxy.example/compute/v2.1/servers/detail?limit=2&sort_key=display_name&sort_key=created_at&marker=id-9',
    );
  });

  it('encodes like Python urlencode (quote_plus)', () => {
    expect(buildNextHref('http://p', 'v2/images', [['name', "a b~*'é"]], 'x/y')).toBe(
      'http://p/v2/images?name=a+b~%2A%27%C3%A9&marker=x%2Fy',
    );
  });
});
