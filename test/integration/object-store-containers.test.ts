import { containersAt, objectsAt, startSwiftHarness, type SwiftHarness } from './object-store-support';

let s: SwiftHarness;
beforeAll(async () => {
  s = await startSwiftHarness();
});
afterAll(() => s.close());

describe('creating containers (docs/contract.md "Naming a provider")', () => {
  it('name@provider creates there, and the provider sees the name without the suffix', async () => {
    const res = await s.req('PUT', 'docs@bu-keystone');
    expect(res.status).toBe(201);
    expect(res.headers['x-ocx-provider']).toBe('bu-keystone');
    expect(containersAt(s, 'bu-keystone')).toContain('docs');
    expect(containersAt(s, 'home')).not.toContain('docs');
    const seen = s.swiftAt('bu-keystone').requests.filter((r) => r.method === 'PUT');
    expect(seen.map((r) => r.path)).toContain(`/object-store/v1/AUTH_${s.projectAt('bu-keystone')}/docs`);
  });

  it('X-OCX-Provider creates there', async () => {
    const res = await s.req('PUT', 'music').set('x-ocx-provider', 'nu-keystone');
    expect(res.status).toBe(201);
    expect(containersAt(s, 'nu-keystone')).toContain('music');
  });

  it('otherwise the placement policy (home by default)', async () => {
    const res = await s.req('PUT', 'notes');
    expect(res.status).toBe(201);
    expect(res.headers['x-ocx-provider']).toBe('home');
    expect(containersAt(s, 'home')).toContain('notes');
  });

  it('a bare name that exists somewhere is updated there, not created again', async () => {
    const res = await s.req('PUT', 'docs').set('x-container-meta-owner', 'me');
    expect(res.status).toBe(202);
    expect(res.headers['x-ocx-provider']).toBe('bu-keystone');
    expect(containersAt(s, 'home')).not.toContain('docs');
    const head = await s.req('HEAD', 'docs');
    expect(head.headers['x-container-meta-owner']).toBe('me');
  });

  it('a segments container goes where its container is', async () => {
    expect((await s.req('PUT', 'docs_segments')).status).toBe(201);
    expect(containersAt(s, 'bu-keystone')).toContain('docs_segments');
  });

  it('an unknown provider is a 400 naming the known ones, in Swift format', async () => {
    const res = await s.req('PUT', 'x@mars');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('mars');
    expect(res.text).toContain('home, bu-keystone, nu-keystone');
    const header = await s.req('PUT', 'y').set('x-ocx-provider', 'venus');
    expect(header.status).toBe(400);
    expect(header.text).toContain('venus');
  });
});

describe('least-used placement', () => {
  let t: SwiftHarness;
  beforeAll(async () => {
    t = await startSwiftHarness(['home', 'bu-keystone'], { placement: { policy: 'least-used' } });
    // home: backups, photos, + 2 more; bu-keystone: photos, bu-keystone-data.
    t.swiftAt('home').seed(t.projectAt('home'), 'extra1', {});
    t.swiftAt('home').seed(t.projectAt('home'), 'extra2', {});
  });
  afterAll(() => t.close());

  it('puts a new container at the provider with the fewest containers', async () => {
    const res = await t.req('PUT', 'fresh');
    expect(res.status).toBe(201);
    expect(res.headers['x-ocx-provider']).toBe('bu-keystone');
  });
});

describe('a union container (same name at several providers)', () => {
  it('HEAD sums the counters and names the holders', async () => {
    const res = await s.req('HEAD', 'photos');
    expect(res.status).toBe(204);
    expect(res.headers['x-container-object-count']).toBe('9');
    expect(res.headers['x-ocx-provider']).toBe('home,bu-keystone,nu-keystone');
  });

  it('GET merges the listings; name@provider lists one provider', async () => {
    const all = await s.req('GET', 'photos?format=json');
    expect(all.status).toBe(200);
    expect((all.body as Array<{ name: string }>).map((r) => r.name)).toEqual([
      'bu-keystone/cat.jpg',
      'bu-keystone/dog.jpg',
      'home/cat.jpg',
      'home/dog.jpg',
      'nu-keystone/cat.jpg',
      'nu-keystone/dog.jpg',
      'readme.txt',
    ]);
    // readme.txt is at every holder: the home row wins (its bytes differ per provider).
    const readme = (all.body as Array<{ name: string; bytes: number }>).find((r) => r.name === 'readme.txt');
    expect(readme?.bytes).toBe('photos at home'.length);
    const one = await s.req('GET', 'photos@bu-keystone?prefix=bu');
    expect(one.text).toBe('bu-keystone/cat.jpg\nbu-keystone/dog.jpg\n');
    expect(one.headers['x-ocx-provider']).toBe('bu-keystone');
  });

  it('delimiter, reverse and limit merge like one container', async () => {
    const res = await s.req('GET', 'photos?delimiter=/&reverse=true&limit=3');
    expect(res.text).toBe('readme.txt\nnu-keystone/\nhome/\n');
  });

  it('POST metadata reaches every holder', async () => {
    expect((await s.req('POST', 'photos').set('x-container-meta-album', 'summer')).status).toBe(204);
    for (const p of ['home', 'bu-keystone', 'nu-keystone']) {
      const head = await s.req('HEAD', 'photos').set('x-ocx-provider', p);
      expect(head.headers['x-container-meta-album']).toBe('summer');
    }
  });

  it('DELETE is a 409 while any holder has objects, and deletes nothing', async () => {
    const res = await s.req('DELETE', 'photos');
    expect(res.status).toBe(409);
    for (const p of ['home', 'bu-keystone', 'nu-keystone']) expect(containersAt(s, p)).toContain('photos');
  });

  it('DELETE of an empty union removes it everywhere', async () => {
    expect((await s.req('PUT', 'tmp@home')).status).toBe(201);
    expect((await s.req('PUT', 'tmp@nu-keystone')).status).toBe(201);
    expect((await s.req('HEAD', 'tmp')).headers['x-ocx-provider']).toBe('home,nu-keystone');
    expect((await s.req('DELETE', 'tmp')).status).toBe(204);
    expect(containersAt(s, 'home')).not.toContain('tmp');
    expect(containersAt(s, 'nu-keystone')).not.toContain('tmp');
    expect((await s.req('HEAD', 'tmp')).status).toBe(404);
  });

  it('a container found nowhere is a Swift 404', async () => {
    const res = await s.req('GET', 'nowhere');
    expect(res.status).toBe(404);
    expect(res.text).toBe('<html><h1>Not Found</h1><p>The resource could not be found.</p></html>');
  });
});

describe('locations are remembered', () => {
  it('a second request for a known container asks only its holder', async () => {
    await s.req('HEAD', 'bu-keystone-data');
    const before = s.swiftAt('home').requests.length;
    const res = await s.req('GET', 'bu-keystone-data/a.txt');
    expect(res.status).toBe(200);
    expect(res.text).toBe('a');
    expect(s.swiftAt('home').requests.length).toBe(before);
    expect(objectsAt(s, 'bu-keystone', 'bu-keystone-data')).toContain('a.txt');
  });
});

describe("Swift's name and metadata limits hold at every provider", () => {
  it('a 257-byte container name is a 400 and reaches no provider', async () => {
    const before = s.swiftAt('home').requests.length;
    const res = await s.req('PUT', 'c'.repeat(257));
    expect(res.status).toBe(400);
    expect(res.text).toContain('Container name length of 257 longer than 256');
    expect(s.swiftAt('home').requests.length).toBe(before);
  });

  it('too much metadata is a 400', async () => {
    const req = s.req('POST', 'photos');
    for (let i = 0; i < 20; i++) req.set(`x-container-meta-m${i}`, 'v'.repeat(250));
    expect((await req).status).toBe(400);
  });
});
