import path from 'node:path';
import { rewriteUrl, rewriteUrlsDeep } from '../../../src/catalog/links';
import { compileCatalog, loadCatalogTemplate, parseCatalogTemplate } from '../../../src/catalog/template';

const template = loadCatalogTemplate(path.resolve(__dirname, '../../../catalog-templates/default.yaml'));
const render = compileCatalog(template);

describe('catalog template', () => {
  it('renders every service on three interfaces at the proxy, with the project id', () => {
    const cat = render({ publicUrl: 'http://proxy:8080', projectId: 'p1', region: 'RegionOne' });
    expect(cat.map((c) => c.type)).toEqual([
      'identity',
      'compute',
      'volumev3',
      'block-storage',
      'image',
      'network',
      'object-store',
    ]);
    for (const entry of cat) {
      expect(entry.endpoints.map((e) => e.interface)).toEqual(['public', 'internal', 'admin']);
      for (const e of entry.endpoints) {
        expect(e.url.startsWith('http://proxy:8080/')).toBe(true);
        expect(e.region).toBe('RegionOne');
      }
    }
    expect(cat.find((c) => c.type === 'object-store')?.endpoints[0]?.url).toBe('http://proxy:8080/v1/AUTH_p1');
    expect(cat.find((c) => c.type === 'volumev3')?.endpoints[0]?.url).toBe('http://proxy:8080/volume/v3/p1');
  });

  it('leaves project-bound entries out of an unscoped catalog', () => {
    const cat = render({ publicUrl: 'http://proxy', region: 'R' });
    expect(cat.map((c) => c.type)).toEqual(['identity', 'compute', 'image', 'network']);
  });

  it('gives stable ids', () => {
    const a = render({ publicUrl: 'http://a', projectId: 'x', region: 'R' });
    const b = render({ publicUrl: 'http://b', projectId: 'y', region: 'R' });
    expect(a.map((c) => c.id)).toEqual(b.map((c) => c.id));
  });

  it('rejects a template without services', () => {
    expect(() => parseCatalogTemplate('interfaces: [public]\n', 't.yaml')).toThrow(/t\.yaml: services/);
  });
});

describe('link rewriting', () => {
  const maps = [{ from: 'http://10.0.0.5:5000', to: 'http://proxy/identity' }];
  it('rewrites only URLs under the provider base', () => {
    expect(rewriteUrl('http://10.0.0.5:5000/v3/', maps)).toBe('http://proxy/identity/v3/');
    expect(rewriteUrl('http://10.0.0.5:50001/v3/', maps)).toBe('http://10.0.0.5:50001/v3/');
    expect(rewriteUrl('http://10.0.0.5:5000', maps)).toBe('http://proxy/identity');
  });
  it('walks documents without mutating them', () => {
    const doc = Object.freeze({
      version: Object.freeze({ links: Object.freeze([Object.freeze({ href: 'http://10.0.0.5:5000/v3/' })]) }),
    });
    expect(rewriteUrlsDeep(doc, maps)).toEqual({ version: { links: [{ href: 'http://proxy/identity/v3/' }] } });
  });
});
