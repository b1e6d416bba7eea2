import { request as httpRequest } from 'node:http';
import { keystoneLogin, labInfo, startLabProxy, type LabProxy } from '../support/lab';

// The same Nova, Cinder and Glance requests through the proxy and directly at the home cloud's own services,
// compared on what clients read: status, the microversion and content headers, and the shape of the body
// (keys, not values: the proxy's listings also hold bu-keystone's resources). In the style of
// test/lab/swift-differential.test.ts.
jest.setTimeout(300_000);

interface Cloud {
  endpoints: Record<string, string>;
}
const HOME: Cloud = (labInfo() as unknown as { openstack?: { clouds: Record<string, Cloud> } }).openstack?.clouds[
  'home'
] ?? {
  endpoints: {
    compute: 'http://127.0.0.1:8774/v2.1',
    volume: 'http://127.0.0.1:8776/v3',
    image: 'http://127.0.0.1:9292',
  },
};

let p: LabProxy;
let proxyToken = '';
let homeToken = '';
let projectId = '';
const images: Array<{ base: string; token: string; id: string }> = [];

beforeAll(async () => {
  p = await startLabProxy({ timeouts: { connect: '2s', response: '60s', request: '120s' } });
  const lab = labInfo();
  const viaProxy = await keystoneLogin(`${p.url}/identity`, 'demo', 'demo-secret', 'demo');
  proxyToken = viaProxy.token;
  projectId = (viaProxy.body as { token: { project: { id: string } } }).token.project.id;
  homeToken = (await keystoneLogin(lab.home.keystone, 'demo', 'demo-secret', 'demo')).token;
});
afterAll(async () => {
  await Promise.allSettled(
    images.map((i) => fetch(`${i.base}/v2/images/${i.id}`, { method: 'DELETE', headers: { 'x-auth-token': i.token } })),
  );
  await p?.close();
});

type Service = 'compute' | 'volume' | 'image';
const proxyBase = (s: Service) =>
  s === 'compute' ? `${p.url}/compute/v2.1` : s === 'volume' ? `${p.url}/volume/v3/${projectId}` : `${p.url}/image`;
const homeBase = (s: Service) =>
  s === 'compute'
    ? HOME.endpoints['compute']!.replace(/\/+$/, '')
    : s === 'volume'
      ? `${HOME.endpoints['volume']!.replace(/\/+$/, '')}/${projectId}`
      : HOME.endpoints['image']!.replace(/\/+$/, '');

/** The keys of a document, and of the first element of each array in it, as sorted paths. */
function shape(doc: unknown, prefix = ''): string[] {
  if (Array.isArray(doc)) {
    const keys = new Set<string>();
    for (const item of doc) for (const k of shape(item, `${prefix}[]`)) keys.add(k);
    return [...keys].sort();
  }
  if (doc === null || typeof doc !== 'object') return [];
  return Object.entries(doc as Record<string, unknown>)
    .flatMap(([k, v]) => [`${prefix}.${k}`, ...shape(v, `${prefix}.${k}`)])
    .sort();
}

interface Seen {
  status: number;
  headers: Record<string, string | undefined>;
  shape: string[] | string;
}

async function seen(url: string, method: string, token: string, headers: Record<string, string>): Promise<Seen> {
  const res = await fetch(url, { method, headers: { 'x-auth-token': token, ...headers } });
  const type = res.headers.get('content-type')?.split(';')[0];
  const text = await res.text();
  let body: string[] | string = type ?? '';
  if (type === 'application/json' && text) body = shape(JSON.parse(text));
  const vary = res.headers.get('vary');
  return {
    status: res.status,
    headers: {
      'content-type': type,
      'openstack-api-version': res.headers.get('openstack-api-version') ?? undefined,
      'x-openstack-nova-api-version': res.headers.get('x-openstack-nova-api-version') ?? undefined,
      vary: vary
        ? vary
            .split(/\s*,\s*/)
            .sort()
            .join(', ')
        : undefined,
    },
    shape: body,
  };
}

/**
 * What is compared: everything, except that item keys of a list the home cloud answered empty (the proxy's also
 * holds bu-keystone's items) are not, and an error body's type is not (the proxy renders Glance's errors as
 * text/plain, Glance as text/html; glanceclient reads neither).
 */
function comparable(s: Seen, direct: Seen): Seen {
  const isError = direct.status >= 400;
  const headers = isError ? { ...s.headers, 'content-type': undefined } : s.headers;
  if (!Array.isArray(s.shape) || !Array.isArray(direct.shape)) return { ...s, headers, shape: isError ? '' : s.shape };
  const have = new Set(direct.shape);
  // A list at home with no items has no `[]` paths: drop the proxy's below it.
  const shape = s.shape.filter((k) => {
    const i = k.indexOf('[]');
    return i < 0 || have.has(k) || [...have].some((h) => h.startsWith(k.slice(0, i + 2)));
  });
  return { ...s, headers, shape };
}

const CASES: Array<[Service, string, string, Record<string, string>]> = [
  ['compute', 'GET', '/servers', {}],
  ['compute', 'GET', '/servers/detail', {}],
  ['compute', 'GET', '/servers/detail', { 'openstack-api-version': 'compute 2.37' }],
  ['compute', 'GET', '/servers', { 'x-openstack-nova-api-version': '2.79' }],
  ['compute', 'GET', '/flavors/1', { 'openstack-api-version': 'compute 2.61' }],
  ['compute', 'GET', '/os-volumes/', {}],
  ['compute', 'GET', '/servers/', {}],
  ['volume', 'GET', '/volumes', {}],
  ['volume', 'GET', '/volumes/detail', { 'openstack-api-version': 'volume 3.44' }],
  ['volume', 'GET', '/snapshots/detail', { 'openstack-api-version': 'volume 3.44' }],
  ['volume', 'GET', '/types', { 'openstack-api-version': 'volume 3.44' }],
  ['volume', 'GET', '/os-availability-zone', {}],
  ['volume', 'GET', '/volumes/', {}],
  ['image', 'GET', '/v2/images', {}],
  ['image', 'GET', '/v2/images/', {}],
  ['image', 'DELETE', '/v2/images/', {}],
  ['image', 'GET', '/v2/images/00000000-0000-4000-8000-000000000000', {}],
];

describe('proxy vs the home cloud’s own services', () => {
  it.each(CASES)('%s %s %s %j', async (service, method, path, headers) => {
    const direct = await seen(`${homeBase(service)}${path}`, method, homeToken, headers);
    const proxied = await seen(`${proxyBase(service)}${path}`, method, proxyToken, headers);
    expect(comparable(proxied, direct)).toEqual(comparable(direct, direct));
  });

  it.each([
    ['chunked', true],
    ['sized', false],
  ] as const)('an image upload %s: same status, and the image ends the same', async (_label, chunked) => {
    const data = Buffer.alloc(100_000, 3);
    const outcome = async (base: string, token: string) => {
      const created = await fetch(`${base}/v2/images`, {
        method: 'POST',
        headers: { 'x-auth-token': token, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'ocx-diff-upload', disk_format: 'raw', container_format: 'bare' }),
      });
      const id = ((await created.json()) as { id: string }).id;
      images.push({ base, token, id });
      const status = await new Promise<number>((resolve, reject) => {
        const headers: Record<string, string> = { 'x-auth-token': token, 'content-type': 'application/octet-stream' };
        if (!chunked) headers['content-length'] = String(data.length);
        const req = httpRequest(`${base}/v2/images/${id}/file`, { method: 'PUT', headers });
        req.on('response', (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        });
        req.on('error', reject);
        // A write before end: Node sends Transfer-Encoding: chunked (end(data) alone would set a Content-Length).
        if (chunked) req.write(data.subarray(0, 60_000));
        req.end(chunked ? data.subarray(60_000) : data);
      });
      const shown = (await (await fetch(`${base}/v2/images/${id}`, { headers: { 'x-auth-token': token } })).json()) as {
        status: string;
        size: number;
      };
      return { created: created.status, status, image: { status: shown.status, size: shown.size } };
    };
    const direct = await outcome(homeBase('image'), homeToken);
    const proxied = await outcome(proxyBase('image'), proxyToken);
    expect(direct).toEqual({ created: 201, status: 204, image: { status: 'active', size: data.length } });
    expect(proxied).toEqual(direct);
  });
});
