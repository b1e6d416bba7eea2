import { rewriteUrlsDeep } from '../../../../src/catalog/links';
import { proxyBase, serviceEndpoint } from '../../../../src/services/front-engine/service-endpoint';
import { deepFreeze } from './deep-freeze';

const PUBLIC = 'http://proxy:8080';

describe('service endpoints and link rewriting', () => {
  it('Cinder: provider project in the path, bookmark links, version root', () => {
    const ep = serviceEndpoint({
      service: 'volume',
      provider: 'bu',
      url: 'http://bu:8776/volume/v3/pp',
      publicUrl: PUBLIC,
      providerProjectId: 'pp',
      homeProjectId: 'hp',
    });
    expect(ep.base).toBe('http://bu:8776/volume/v3/pp');
    expect(ep.root).toBe('http://bu:8776/volume');
    const doc = deepFreeze({
      volume: {
        links: [
          { rel: 'self', href: 'http://bu:8776/volume/v3/pp/volumes/v1' },
          { rel: 'bookmark', href: 'http://bu:8776/volume/pp/volumes/v1' },
        ],
      },
      volumes_links: [{ rel: 'next', href: 'http://bu:8776/volume/v3/pp/volumes/detail?marker=v1' }],
      versions: [{ links: [{ href: 'http://bu:8776/volume/v3/' }] }],
      elsewhere: 'http://other:1/volume/v3/pp',
    });
    expect(rewriteUrlsDeep(doc, ep.mappings)).toEqual({
      volume: {
        links: [
          { rel: 'self', href: `${PUBLIC}/volume/v3/hp/volumes/v1` },
          { rel: 'bookmark', href: `${PUBLIC}/volume/hp/volumes/v1` },
        ],
      },
      volumes_links: [{ rel: 'next', href: `${PUBLIC}/volume/v3/hp/volumes/detail?marker=v1` }],
      versions: [{ links: [{ href: `${PUBLIC}/volume/v3/` }] }],
      elsewhere: 'http://other:1/volume/v3/pp',
    });
  });

  it('Nova: versioned base, unversioned bookmarks, a legacy project-id catalog URL', () => {
    const ep = serviceEndpoint({
      service: 'compute',
      provider: 'bu',
      url: 'http://bu/compute/v2.1/pp',
      publicUrl: PUBLIC,
    });
    expect(ep.base).toBe('http://bu/compute/v2.1');
    const out = rewriteUrlsDeep(
      ['http://bu/compute/v2.1/pp/servers/s1', 'http://bu/compute/servers/s1', 'http://bu/compute/v2.1/servers/s1'],
      ep.mappings,
    );
    expect(out).toEqual([
      `${PUBLIC}/compute/v2.1/servers/s1`,
      `${PUBLIC}/compute/servers/s1`,
      `${PUBLIC}/compute/v2.1/servers/s1`,
    ]);
  });

  it('Glance: the root is the base; a /v2 catalog URL is accepted', () => {
    const ep = serviceEndpoint({ service: 'image', provider: 'bu', url: 'http://bu:9292/v2/', publicUrl: PUBLIC });
    expect(ep.base).toBe('http://bu:9292');
    expect(rewriteUrlsDeep('http://bu:9292/v2/images/i1/file', ep.mappings)).toBe(`${PUBLIC}/image/v2/images/i1/file`);
  });

  it('publishes the proxy bases the catalog template uses', () => {
    expect(proxyBase(PUBLIC, 'compute')).toBe(`${PUBLIC}/compute/v2.1`);
    expect(proxyBase(PUBLIC, 'volume', 'hp')).toBe(`${PUBLIC}/volume/v3/hp`);
    expect(proxyBase(PUBLIC, 'image')).toBe(`${PUBLIC}/image`);
  });
});
