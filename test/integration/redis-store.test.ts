import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { createMetrics } from '../../src/observability/metrics';
import { RedisStore } from '../../src/state/redis-store';
import { eventually } from '../support/eventually';
import { startRedis, type TestRedis } from '../support/redis-server';

// The shared level against a real redis-server (Debian package; deploy/lab/install.sh installs it).
let redis: TestRedis;
let raw: Redis;
const key = new Uint8Array(randomBytes(32));
const stores: RedisStore[] = [];

function store(opts: { prefix?: string; encryptionKey?: Uint8Array } = {}) {
  const metrics = createMetrics(false);
  const s = new RedisStore({
    url: redis.url,
    keyPrefix: opts.prefix ?? 'ocx-test:',
    encryptionKey: opts.encryptionKey ?? key,
    commandTimeoutMs: 250,
    metrics,
  });
  stores.push(s);
  return { s, metrics };
}
const up = async (metrics: ReturnType<typeof createMetrics>) =>
  (await metrics.registry.getSingleMetric('ocx_shared_state_up')?.get())?.values[0]?.value;

beforeAll(async () => {
  redis = await startRedis();
  raw = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  raw.disconnect();
  await redis.stop();
});

describe('RedisStore against a real redis-server', () => {
  it('shares entries between instances; Redis holds only hashed names and JWE values with a TTL', async () => {
    const a = store();
    const b = store();
    await eventually(() => a.s.ping());
    await eventually(() => b.s.ping());
    await a.s.set(
      'provider_token',
      'digest-of-home-token|u1|p1|bu-keystone',
      { token: 'gAAAA-provider-token' },
      60_000,
    );
    const entry = await b.s.get('provider_token', 'digest-of-home-token|u1|p1|bu-keystone');
    expect(entry?.value).toEqual({ token: 'gAAAA-provider-token' });
    const keys = await raw.keys('ocx-test:*');
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^ocx-test:v1:provider_token:[A-Za-z0-9_-]{43}$/);
    expect(keys[0]).not.toContain('digest-of-home-token');
    const value = (await raw.get(keys[0] as string)) as string;
    expect(value.split('.')).toHaveLength(5);
    expect(value).not.toContain('gAAAA');
    const ttl = await raw.pttl(keys[0] as string);
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('an instance with another encryption key neither reads nor collides with the entries', async () => {
    const a = store({ prefix: 'ocx-rot:' });
    const other = store({ prefix: 'ocx-rot:', encryptionKey: new Uint8Array(randomBytes(32)) });
    await eventually(() => a.s.ping());
    await eventually(() => other.s.ping());
    await a.s.set('token', 'k', { ok: true }, 60_000);
    expect(await other.s.get('token', 'k')).toBeUndefined();
  });

  it('a forged or copied value is refused', async () => {
    const a = store({ prefix: 'ocx-forge:' });
    await eventually(() => a.s.ping());
    await a.s.set('token', 'victim', { ok: true, info: { userId: 'admin' } }, 60_000);
    await a.s.set('token', 'attacker', { ok: false }, 60_000);
    const [k1, k2] = (await raw.keys('ocx-forge:*')) as [string, string];
    // Swap the two values: an entry only opens under the key it was written for (no identity theft by copying).
    const v1 = (await raw.get(k1)) as string;
    const v2 = (await raw.get(k2)) as string;
    await raw.set(k1, v2);
    await raw.set(k2, v1);
    expect(await a.s.get('token', 'victim')).toBeUndefined();
    expect(await a.s.get('token', 'attacker')).toBeUndefined();
    await raw.set(k1, 'eyJhbGciOiJub25lIn0..x.eyJ2Ijp0cnVlfQ.y');
    expect(await a.s.get('token', 'victim')).toBeUndefined();
  });

  it('a delete reaches the other instances (they drop their local copies)', async () => {
    const a = store({ prefix: 'ocx-del:' });
    const b = store({ prefix: 'ocx-del:' });
    const dropped: string[] = [];
    b.s.onRemoteDelete('token', (k) => dropped.push(k));
    a.s.onRemoteDelete('token', (k) => dropped.push(`self:${k}`));
    await eventually(() => a.s.ping());
    await eventually(() => b.s.ping());
    // The subscription is set up asynchronously: repeat the delete until it is heard.
    await eventually(async () => {
      await a.s.delete('token', 'revoked-token-digest');
      return dropped.length > 0;
    });
    expect(dropped.every((k) => k === 'revoked-token-digest')).toBe(true);
  });

  it('Redis down: misses and dropped writes, fast, and the gauge says so; back up: shared again', async () => {
    const a = store({ prefix: 'ocx-down:' });
    await eventually(() => a.s.ping());
    expect(await up(a.metrics)).toBe(1);
    await redis.kill();
    await eventually(() => !a.s.reachable);
    expect(await up(a.metrics)).toBe(0);
    const started = Date.now();
    expect(await a.s.get('token', 'k')).toBeUndefined();
    await a.s.set('token', 'k', { ok: true }, 60_000);
    expect(await a.s.ping()).toBe(false);
    expect(Date.now() - started).toBeLessThan(200);
    await redis.restart();
    await eventually(() => a.s.ping(), 15_000);
    expect(await up(a.metrics)).toBe(1);
    await a.s.set('token', 'k', { ok: true }, 60_000);
    expect((await a.s.get('token', 'k'))?.value).toEqual({ ok: true });
  });
});
