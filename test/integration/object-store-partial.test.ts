import { startSwiftHarness, type SwiftHarness } from './object-store-support';

describe('a provider down: listings answer from the others with X-OCX-Partial', () => {
  let s: SwiftHarness;
  beforeAll(async () => {
    s = await startSwiftHarness();
    // Warm the sessions and the container locations, then take nu-keystone away.
    expect((await s.req('GET', s.account)).status).toBe(200);
    expect((await s.req('HEAD', 'backups')).status).toBe(204);
    s.h.demo.setDown('nu-keystone', true);
  });
  afterAll(() => s.close());

  it('account GET and HEAD name the missing provider', async () => {
    const res = await s.req('GET', `${s.account}?format=json`);
    expect(res.status).toBe(200);
    expect(res.headers['x-ocx-partial']).toBe('nu-keystone');
    const names = (res.body as Array<{ name: string }>).map((r) => r.name);
    expect(names).toEqual(['backups', 'bu-keystone-data', 'photos']);
    const head = await s.req('HEAD', s.account);
    expect(head.status).toBe(204);
    expect(head.headers['x-ocx-partial']).toBe('nu-keystone');
    const metrics = await s.req('GET', '/metrics');
    expect(metrics.text).toMatch(/ocx_partial_listings_total\{service="object-store",provider="nu-keystone"\} [1-9]/);
  });

  it('a union container lists what the live holders have', async () => {
    const res = await s.req('GET', 'photos?format=json');
    expect(res.status).toBe(200);
    expect(res.headers['x-ocx-partial']).toBe('nu-keystone');
    expect((res.body as Array<{ name: string }>).map((r) => r.name)).toEqual([
      'bu-keystone/cat.jpg',
      'bu-keystone/dog.jpg',
      'home/cat.jpg',
      'home/dog.jpg',
      'readme.txt',
    ]);
  });

  it('objects at a live provider still read and write', async () => {
    expect((await s.req('PUT', 'backups/new.txt').send('fresh')).status).toBe(201);
    const get = await s.req('GET', 'backups/new.txt');
    expect(get.status).toBe(200);
    expect(get.text).toBe('fresh');
    expect((await s.req('GET', 'backups/a.txt')).text).toBe('a');
  });

  it('a call routed to the down provider is a 503 in Swift format', async () => {
    const res = await s.req('GET', 'nu-keystone-data@nu-keystone/a.txt');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('nu-keystone');
  });
});

describe('strict_listings: a missing provider makes the listing a 503', () => {
  let s: SwiftHarness;
  beforeAll(async () => {
    s = await startSwiftHarness(['home', 'bu-keystone'], { strict_listings: true });
    s.h.demo.setDown('bu-keystone', true);
  });
  afterAll(() => s.close());

  it('account GET is a 503 naming the provider', async () => {
    const res = await s.req('GET', s.account);
    expect(res.status).toBe(503);
    expect(res.text).toContain('bu-keystone');
    expect(res.headers['x-ocx-partial']).toBeUndefined();
  });
});
