import path from 'node:path';
import { compileCatalog, loadCatalogTemplate } from '../../../src/catalog/template';
import { sessionCookie } from '../../../src/identity/k2k/exchange';
import { rewriteTokenBody } from '../../../src/identity/rewrite-token-body';
import { catalogUrl, parseTokenBody } from '../../../src/identity/token-info';

const render = compileCatalog(loadCatalogTemplate(path.resolve(__dirname, '../../../catalog-templates/default.yaml')));

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    Object.values(o).forEach((v) => deepFreeze(v));
    Object.freeze(o);
  }
  return o;
}

const body = () => ({
  token: {
    methods: ['password'],
    expires_at: '2030-01-01T00:00:00.000000Z',
    user: { id: 'u1', name: 'demo', domain: { id: 'default' } },
    project: { id: 'p1', name: 'demo', domain: { id: 'default' } },
    roles: [{ name: 'member' }],
    catalog: [
      {
        type: 'object-store',
        endpoints: [
          { interface: 'admin', region: 'RegionOne', url: 'http://10.0.0.1:8080/v1' },
          { interface: 'public', region: 'RegionOne', url: 'http://10.0.0.1:8080/v1/AUTH_p1/' },
        ],
      },
    ],
    service_providers: [{ id: 'bu', sp_url: 'http://sp/ECP', auth_url: 'http://sp/v3/auth' }, { id: 'broken' }],
  },
});

describe('token bodies', () => {
  it('parses what the proxy needs and ignores incomplete service providers', () => {
    const info = parseTokenBody(body());
    expect(info).toMatchObject({
      userId: 'u1',
      projectId: 'p1',
      projectName: 'demo',
      roles: ['member'],
      region: 'RegionOne',
    });
    expect(info?.expiresAt).toBe(Date.parse('2030-01-01T00:00:00Z'));
    expect(info?.serviceProviders).toEqual([{ id: 'bu', spUrl: 'http://sp/ECP', authUrl: 'http://sp/v3/auth' }]);
    expect(catalogUrl(info!.catalog, ['object-store'])).toBe('http://10.0.0.1:8080/v1/AUTH_p1');
  });

  it('rejects bodies without user or expiry', () => {
    expect(parseTokenBody({ token: { user: { id: 'x' } } })).toBeUndefined();
    expect(parseTokenBody({ token: { expires_at: 'not a date', user: { id: 'x' } } })).toBeUndefined();
    expect(parseTokenBody(null)).toBeUndefined();
  });

  it('swaps the catalog, drops service_providers and leaves the input untouched', () => {
    const input = deepFreeze(body());
    const out = rewriteTokenBody(input, render, { publicUrl: 'http://proxy', region: 'RegionOne' }) as ReturnType<
      typeof body
    >;
    expect(out.token.service_providers).toBeUndefined();
    expect(JSON.stringify(out)).not.toContain('10.0.0.1');
    expect(out.token.catalog.find((c) => c.type === 'object-store')?.endpoints[0]?.url).toBe('http://proxy/v1/AUTH_p1');
    expect(input.token.service_providers).toHaveLength(2);
  });
});

describe('Shibboleth session cookie', () => {
  it('keeps only _shibsession_ cookies, without attributes', () => {
    expect(sessionCookie({ 'set-cookie': ['_shibsession_abc=xyz; path=/; HttpOnly', '_opensaml_req=1; path=/'] })).toBe(
      '_shibsession_abc=xyz',
    );
    expect(sessionCookie({ 'set-cookie': '_other=1' })).toBeUndefined();
    expect(sessionCookie({})).toBeUndefined();
  });
});
