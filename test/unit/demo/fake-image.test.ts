// FakeImage answers like Glance v2 (image api-ref): 300 versions, listing with first/next/schema, create 201,
// data upload 204 and download with Content-MD5, webob-style text/HTML errors.
import { createHash } from 'node:crypto';
import type { DemoCloud } from '../../../src/demo/demo-cloud';
import { login, withCloud } from './demo-helpers';

let cloud: DemoCloud;
let glance: string;
let token: string;
const auth = (): Record<string, string> => ({ 'x-auth-token': token });
interface ImageList {
  images: { id: string; name: string; created_at: string; visibility: string }[];
  first: string;
  next?: string;
  schema: string;
}

beforeAll(async () => {
  cloud = await withCloud();
  const home = cloud.providers.home;
  glance = `${home?.baseUrl}/image`;
  token = (await login(`${home?.baseUrl}/identity`, 'demo', 'demo-secret', 'demo')).token;
});
afterAll(() => cloud.stop());

describe('FakeImage', () => {
  it('GET / answers 300 with v2.16 CURRENT first', async () => {
    const res = await fetch(`${glance}/`);
    expect(res.status).toBe(300);
    const body = (await res.json()) as { versions: { id: string; status: string; links: { href: string }[] }[] };
    expect(body.versions[0]).toEqual({
      id: 'v2.16',
      status: 'CURRENT',
      links: [{ rel: 'self', href: `${glance}/v2/` }],
    });
  });

  it('lists created_at desc with first/schema, pages with limit/marker via a relative next link', async () => {
    const all = (await (await fetch(`${glance}/v2/images`, { headers: auth() })).json()) as ImageList;
    expect(all.images.map((i) => i.name)).toEqual(['home-snapshot', 'cirros-0.6.2-x86_64-disk']);
    expect(all.first).toBe('/v2/images');
    expect(all.schema).toBe('/v2/schemas/images');
    expect(all.next).toBeUndefined();
    const page = (await (await fetch(`${glance}/v2/images?limit=1`, { headers: auth() })).json()) as ImageList;
    expect(page.next).toBe(`/v2/images?limit=1&marker=${page.images[0]?.id}`);
    const rest = (await (await fetch(`${glance}${page.next ?? ''}`, { headers: auth() })).json()) as ImageList;
    expect(rest.images.map((i) => i.name)).toEqual(['cirros-0.6.2-x86_64-disk']);
    const asc = (await (await fetch(`${glance}/v2/images?sort=name:asc`, { headers: auth() })).json()) as ImageList;
    expect(asc.images.map((i) => i.name)).toEqual(['cirros-0.6.2-x86_64-disk', 'home-snapshot']);
  });

  it('creates (201 queued), uploads data (204), downloads it with Content-MD5, deletes (204)', async () => {
    const res = await fetch(`${glance}/v2/images`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'mine', disk_format: 'raw', container_format: 'bare', os_distro: 'cirros' }),
    });
    expect(res.status).toBe(201);
    const img = (await res.json()) as {
      id: string;
      status: string;
      visibility: string;
      os_distro: string;
      file: string;
    };
    expect(img).toMatchObject({
      status: 'queued',
      visibility: 'shared',
      os_distro: 'cirros',
      file: `/v2/images/${img.id}/file`,
    });
    const data = Buffer.from('hello image');
    const put = await fetch(`${glance}/v2/images/${img.id}/file`, {
      method: 'PUT',
      headers: { ...auth(), 'content-type': 'application/octet-stream' },
      body: data,
    });
    expect(put.status).toBe(204);
    const got = await fetch(`${glance}/v2/images/${img.id}/file`, { headers: auth() });
    expect(got.status).toBe(200);
    expect(got.headers.get('content-md5')).toBe(createHash('md5').update(data).digest('hex'));
    expect(Buffer.from(await got.arrayBuffer()).equals(data)).toBe(true);
    const shown = (await (await fetch(`${glance}/v2/images/${img.id}`, { headers: auth() })).json()) as {
      status: string;
      size: number;
    };
    expect(shown).toMatchObject({ status: 'active', size: data.length });
    expect((await fetch(`${glance}/v2/images/${img.id}`, { method: 'DELETE', headers: auth() })).status).toBe(204);
  });

  it("unknown image: 404 negotiated like webob's: HTML by default, JSON or plain text when asked", async () => {
    const id = '00000000-0000-0000-0000-000000000000';
    const json = await fetch(`${glance}/v2/images/${id}`, { headers: { ...auth(), accept: 'application/json' } });
    expect(json.status).toBe(404);
    expect(json.headers.get('content-type')).toBe('application/json');
    expect(await json.json()).toEqual({
      message: `No image found with ID ${id}<br /><br />\n\n\n`,
      code: '404 Not Found',
      title: 'Not Found',
    });
    const plain = await fetch(`${glance}/v2/images/${id}`, { headers: { ...auth(), accept: 'text/plain' } });
    expect(plain.status).toBe(404);
    expect(plain.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await plain.text()).toContain(`No image found with ID ${id}`);
    const html = await fetch(`${glance}/v2/images/${id}`, { headers: auth() });
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await html.text()).toContain('<title>404 Not Found</title>');
  });

  it('images of another project are invisible', async () => {
    const other = await login(`${cloud.providers.home?.baseUrl}/identity`, 'other', 'other-secret', 'other');
    const res = await fetch(`${glance}/v2/images`, { headers: { 'x-auth-token': other.token } });
    expect(((await res.json()) as ImageList).images.map((i) => i.name)).toEqual(['cirros-0.6.2-x86_64-disk']);
  });
});
