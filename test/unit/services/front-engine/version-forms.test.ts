import {
  cleanVersions,
  currentRange,
  defaultVersions,
  narrowVersions,
  renderVersions,
} from '../../../../src/services/front-engine/version-forms';

const PUB = 'https://ocx.example';

const nova = (root: string, max: string, min = '2.1') => ({
  versions: [
    {
      id: 'v2.0',
      status: 'SUPPORTED',
      version: '',
      min_version: '',
      updated: '2011-01-21T11:33:21Z',
      links: [{ rel: 'self', href: `${root}/v2/` }],
    },
    {
      id: 'v2.1',
      status: 'CURRENT',
      version: max,
      min_version: min,
      updated: '2013-07-23T11:33:21Z',
      links: [{ rel: 'self', href: `${root}/v2.1/` }],
    },
  ],
});

describe('cleanVersions', () => {
  it('keeps the fields clients read, rebuilds self links at the proxy and drops anything else', () => {
    const doc = {
      versions: [
        {
          id: 'v3.0',
          status: 'CURRENT',
          version: '3.70',
          min_version: '3.0',
          updated: '2022-08-31T00:00:00Z',
          evil: 'x',
          links: [
            { rel: 'describedby', type: 'text/html', href: 'https://docs.openstack.org/' },
            { rel: 'self', href: 'http://10.0.0.5:8776/v3/' },
            { rel: 'alternate', href: 'http://attacker.example/' },
          ],
          'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.volume+json;version=3' }],
        },
        { id: 'not-a-version', status: 'CURRENT', version: '3.1', min_version: '3.0' },
        { id: 'v4.0', status: 'CURRENT', version: '<script>', min_version: '3.0' },
      ],
    };
    const out = cleanVersions('volume', doc, PUB);
    expect(out).toEqual([
      {
        id: 'v3.0',
        status: 'CURRENT',
        version: '3.70',
        min_version: '3.0',
        updated: '2022-08-31T00:00:00Z',
        links: [
          { rel: 'describedby', type: 'text/html', href: 'https://docs.openstack.org/' },
          { rel: 'self', href: `${PUB}/volume/v3/` },
        ],
        'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.volume+json;version=3' }],
      },
    ]);
    expect(JSON.stringify(out)).not.toContain('10.0.0.5');
  });

  it('answers undefined for a document without versions', () => {
    expect(cleanVersions('compute', { error: 'x' }, PUB)).toBeUndefined();
    expect(cleanVersions('compute', 'text', PUB)).toBeUndefined();
  });
});

describe('narrowVersions', () => {
  it('lowers the max and raises the min to what every provider supports', () => {
    const a = cleanVersions('compute', nova('http://a', '2.93'), PUB) ?? [];
    const b = cleanVersions('compute', nova('http://b', '2.79', '2.5'), PUB) ?? [];
    const out = narrowVersions('compute', a, [b]) ?? [];
    expect(currentRange(out)).toEqual({ min: '2.5', max: '2.79' });
    expect(out.find((e) => e.id === 'v2.0')).toMatchObject({ version: '', min_version: '' });
  });

  it('keeps only the Glance versions every provider offers and marks the highest left CURRENT', () => {
    const glance = (ids: string[]) =>
      cleanVersions(
        'image',
        { versions: ids.map((id, i) => ({ id, status: i === 0 ? 'CURRENT' : 'SUPPORTED', links: [] })) },
        PUB,
      ) ?? [];
    const out = narrowVersions('image', glance(['v2.16', 'v2.15', 'v2.9']), [glance(['v2.15', 'v2.9'])]) ?? [];
    expect(out.map((e) => [e.id, e.status])).toEqual([
      ['v2.15', 'CURRENT'],
      ['v2.9', 'SUPPORTED'],
    ]);
  });

  it('answers undefined when the providers have no version in common', () => {
    const a =
      cleanVersions(
        'volume',
        { versions: [{ id: 'v3.0', status: 'CURRENT', version: '3.70', min_version: '3.0' }] },
        PUB,
      ) ?? [];
    const b =
      cleanVersions('volume', { versions: [{ id: 'v2.0', status: 'CURRENT', version: '', min_version: '' }] }, PUB) ??
      [];
    expect(narrowVersions('volume', a, [b])).toBeUndefined();
  });
});

describe('defaults and rendering', () => {
  it('defaults negotiate Nova 2.37 and Cinder 3.44', () => {
    const c = currentRange(defaultVersions('compute', PUB));
    const v = currentRange(defaultVersions('volume', PUB));
    expect(Number(c?.max.split('.')[1])).toBeGreaterThanOrEqual(37);
    expect(Number(v?.max.split('.')[1])).toBeGreaterThanOrEqual(44);
  });

  it('renders each form with the status and headers the service sends', () => {
    const entries = defaultVersions('compute', PUB);
    expect(renderVersions('compute', 'root', entries)).toMatchObject({ status: 200, headers: {} });
    const v21 = renderVersions('compute', 'versioned', entries, '2.37');
    expect(v21.headers).toEqual({
      'openstack-api-version': 'compute 2.37',
      'x-openstack-nova-api-version': '2.37',
      vary: 'OpenStack-API-Version, X-OpenStack-Nova-API-Version',
    });
    expect((v21.doc as { version: { id: string } }).version.id).toBe('v2.1');
    expect(renderVersions('volume', 'root', defaultVersions('volume', PUB)).status).toBe(300);
    expect(renderVersions('volume', 'versioned', defaultVersions('volume', PUB)).status).toBe(200);
    expect(renderVersions('image', 'root', defaultVersions('image', PUB)).status).toBe(300);
  });
});
