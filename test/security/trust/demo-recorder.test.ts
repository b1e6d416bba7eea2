// The demo cloud's simulated services keep what they received for the tests to inspect; in a long-running demo
// that must not grow without bound. And their answers to client mistakes are the real services' 4xx, not 500.
import { startDemoCloud, type DemoCloud } from '../../../src/demo/demo-cloud';
import { passwordBody } from '../../unit/demo/demo-helpers';

let cloud: DemoCloud;
beforeAll(async () => {
  cloud = await startDemoCloud();
});
afterAll(() => cloud.stop());

const home = () => cloud.providers['home']!;

async function token(): Promise<string> {
  const res = await fetch(`${home().baseUrl}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(passwordBody('demo', 'demo-secret', 'demo')),
  });
  expect(res.status).toBe(201);
  return res.headers.get('x-subject-token') ?? '';
}

/** What a recorder holds right now. */
const held = (log: { slice(start?: number): unknown[] }): number => log.slice(0).length;

describe('request recorders are bounded', () => {
  it('many requests through the simulated Nova leave at most a few hundred recorded', async () => {
    const t = await token();
    for (let i = 0; i < 1200; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, () =>
          fetch(`${home().baseUrl}/compute/v2.1/servers`, { headers: { 'x-auth-token': t } }).then((r) => r.text()),
        ),
      );
    }
    expect(held(home().compute.requests)).toBeLessThanOrEqual(256);
  });

  it('large bodies are not kept without bound either', async () => {
    const big = JSON.stringify({ padding: 'x'.repeat(900 * 1024) });
    for (let i = 0; i < 40; i++) {
      const res = await fetch(`${home().baseUrl}/identity/v3/auth/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: big,
      });
      expect(res.status).toBeGreaterThanOrEqual(400);
      await res.text();
    }
    const bytes = home()
      .keystone.requests.slice(0)
      .reduce((n, r) => n + (r.body === undefined ? 0 : JSON.stringify(r.body).length), 0);
    expect(bytes).toBeLessThanOrEqual(20 * 1024 * 1024);
  });

  it('a cursor taken from `length` still finds the requests that follow, once the recorder is full', async () => {
    const t = await token();
    const log = home().compute.requests;
    const from = log.length;
    const res = await fetch(`${home().baseUrl}/compute/v2.1/flavors?mark=cursor`, { headers: { 'x-auth-token': t } });
    expect(res.status).toBe(200);
    expect(log.slice(from).map((r) => r.url)).toEqual(['/compute/v2.1/flavors?mark=cursor']);
    expect(log.at(-1)?.url).toBe('/compute/v2.1/flavors?mark=cursor');
    expect(log.at(from)?.url).toBe('/compute/v2.1/flavors?mark=cursor');
  });
});

describe('client mistakes get the real services’ answers', () => {
  it('Nova: block_device_mapping_v2 [null] is a 400 badRequest', async () => {
    const t = await token();
    const res = await fetch(`${home().baseUrl}/compute/v2.1/servers`, {
      method: 'POST',
      headers: { 'x-auth-token': t, 'content-type': 'application/json' },
      body: JSON.stringify({ server: { name: 'x', flavorRef: '1', imageRef: '', block_device_mapping_v2: [null] } }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { badRequest?: { code: number; message: string } };
    expect(body.badRequest?.code).toBe(400);
    expect(body.badRequest?.message).toContain("None is not of type 'object'");
  });

  it.each([
    ['a string', ['x']],
    ['a number', [1]],
    ['not a list', { uuid: 'x' }],
  ])('Nova: a mapping that is %s is a 400 too', async (_what, bdms) => {
    const t = await token();
    // Everything else valid, so only the mappings can make it fail.
    const images = await fetch(`${home().baseUrl}/image/v2/images`, { headers: { 'x-auth-token': t } });
    const imageRef = ((await images.json()) as { images: { id: string }[] }).images[0]?.id;
    expect(imageRef).toBeDefined();
    const res = await fetch(`${home().baseUrl}/compute/v2.1/servers`, {
      method: 'POST',
      headers: { 'x-auth-token': t, 'content-type': 'application/json' },
      body: JSON.stringify({ server: { name: 'x', flavorRef: '1', imageRef, block_device_mapping_v2: bdms } }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { badRequest?: { message: string } };
    expect(body.badRequest?.message).toMatch(/is not of type '(object|array)'/);
  });

  it('Keystone: a body over its 1 MB limit is a 413 in the Keystone error format', async () => {
    const res = await fetch(`${home().baseUrl}/identity/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ padding: 'x'.repeat(1100 * 1024) }),
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { error?: { code: number; title: string } };
    expect(body.error?.code).toBe(413);
    expect(body.error?.title).toBe('Request Entity Too Large');
  });
});
