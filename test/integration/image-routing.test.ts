// The proxy's Glance against the demo cloud: merged images with Glance's relative next links, show and data
// routed to the provider, uploads streamed to where the image was placed, errors in Glance's plain-text format.
import request from 'supertest';
import { demoLoginPerFile, received, tokenOf } from './compute-support';

type Image = { id: string; name: string; owner: string; self: string; file: string; created_at: string };

const { h, me, bu, home, get, post } = demoLoginPerFile();

function imageAt(provider: string, name: string): string {
  const img = [...h().demo.providers[provider]!.image.images.values()].find((i) => i.name === name);
  if (!img) throw new Error(`no image ${name} at ${provider}`);
  return img.id;
}

describe('merged images', () => {
  it('lists both providers, newest first, owner in the home project, links relative to the proxy', async () => {
    const res = await get('/image/v2/images');
    expect(res.status).toBe(200);
    const images = res.body.images as Image[];
    expect(images.map((i) => i.name)).toEqual([
      'bu-keystone-snapshot',
      'home-snapshot',
      // The public cirros of each provider (two images, two ids).
      'cirros-0.6.2-x86_64-disk',
      'cirros-0.6.2-x86_64-disk',
    ]);
    const created = images.map((i) => Date.parse(i.created_at));
    expect([...created].sort((a, b) => b - a)).toEqual(created);
    const mine = images.filter((i) => i.name.endsWith('snapshot'));
    for (const i of mine) expect(i.owner).toBe(me().projectId);
    expect(res.body.first).toBe('/v2/images');
    expect(res.body.schema).toBe('/v2/schemas/images');
    expect(res.text).not.toContain(bu().projects['demo']);
  });

  it.each([1, 2, 3])('a limit=%i walk through `next` equals one big listing', async (limit) => {
    const big = ((await get('/image/v2/images')).body.images as Image[]).map((i) => i.id);
    const ids: string[] = [];
    let next: string | undefined = `/v2/images?limit=${limit}`;
    for (let n = 0; n < 20 && next; n++) {
      const res = await get(`/image${next}`);
      expect(res.status).toBe(200);
      ids.push(...(res.body.images as Image[]).map((i) => i.id));
      next = res.body.next as string | undefined;
      if (next) expect(next.startsWith('/v2/images?')).toBe(true);
    }
    expect(ids).toEqual(big);
  });
});

describe('routed image calls', () => {
  it('IMG@bu-keystone shows the image of bu-keystone; the bare id is found by broadcast', async () => {
    const id = imageAt('bu-keystone', 'bu-keystone-snapshot');
    const from = bu().image.requests.length;
    const res = await get(`/image/v2/images/${id}@bu-keystone`);
    expect(res.status).toBe(200);
    expect(res.headers['x-ocx-provider']).toBe('bu-keystone');
    expect(res.body.owner).toBe(me().projectId);
    const [seen] = received(bu().image.requests, from, 'GET', /\/v2\/images\//);
    expect(seen?.path).toBe(`/image/v2/images/${id}`);
    expect(tokenOf(seen)).not.toBe(me().token);
    const homeImage = imageAt('home', 'home-snapshot');
    const bare = await get(`/image/v2/images/${homeImage}`);
    expect(bare.status).toBe(200);
    expect(bare.headers['x-ocx-provider']).toBe('home');
  });

  it('downloads the data from the provider, bytes and checksum intact', async () => {
    const id = imageAt('bu-keystone', 'bu-keystone-snapshot');
    const res = await get(`/image/v2/images/${id}/file`).buffer(true);
    expect(res.status).toBe(200);
    expect(res.headers['x-ocx-provider']).toBe('bu-keystone');
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.headers['content-md5']).toBe(bu().image.images.get(id)?.checksum);
    expect(Buffer.from(res.body as Buffer).toString()).toBe('snapshot@bu-keystone');
  });

  it('an image created with name@provider is placed there; its data (over the JSON limit) streams to it', async () => {
    const created = await post('/image/v2/images', {
      name: 'uploaded@bu-keystone',
      disk_format: 'raw',
      container_format: 'bare',
    });
    expect(created.status).toBe(201);
    expect(created.headers['x-ocx-provider']).toBe('bu-keystone');
    expect(created.headers['location']).toBe(`${h().url}/image/v2/images/${created.body.id}`);
    expect(created.body.name).toBe('uploaded');
    const data = Buffer.alloc(3 * 1024 * 1024, 7);
    const put = await request(h().server)
      .put(`/image/v2/images/${created.body.id}/file`)
      .set('x-auth-token', me().token)
      .set('content-type', 'application/octet-stream')
      .send(data);
    expect(put.status).toBe(204);
    expect(bu().image.images.get(created.body.id)?.data?.equals(data)).toBe(true);
    expect(home().image.images.has(created.body.id)).toBe(false);
  });

  it("an image found nowhere is a 404 in Glance's plain-text format", async () => {
    const res = await get('/image/v2/images/5a1c8f3e-0000-4000-8000-000000000000');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toContain('404 Not Found');
  });

  it('an unknown provider is a 400 naming the known ones', async () => {
    const res = await get('/image/v2/images/abc@nowhere');
    expect(res.status).toBe(400);
    expect(res.text).toContain('Known providers: home, bu-keystone');
  });

  it('malformed JSON is a 400, never a 5xx', async () => {
    const res = await request(h().server)
      .post('/image/v2/images')
      .set('x-auth-token', me().token)
      .set('content-type', 'application/json')
      .send('{"name": ');
    expect(res.status).toBe(400);
  });

  it("the version document is the home Glance's, at the proxy", async () => {
    const res = await get('/image/versions');
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toContain(`${h().url}/image/v2/`);
  });
});
