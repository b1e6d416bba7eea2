// Property-style check of merged Cinder paging on a bigger data set: 55 volumes over two providers with many equal
// created_at values (ties broken by id across providers) and equal sizes; every limit and sort walked through
// next links must equal the one big listing, and the big listing must be in the order Cinder itself uses.
import request from 'supertest';
import { SEED_EPOCH } from '../../src/demo/demo-seed';
import { login, startHarness, type Harness, type Login } from './compute-support';

type Vol = { id: string; name: string; size: number; created_at: string };

let h: Harness;
let me: Login;

function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

beforeAll(async () => {
  h = await startHarness();
  me = await login(h);
  const rand = rng(42);
  for (const [name, count] of [
    ['home', 30],
    ['bu-keystone', 25],
  ] as const) {
    const p = h.demo.providers[name]!;
    const seeds = Array.from({ length: count }, (_, i) => ({
      name: `${name}-bulk-${String(i).padStart(2, '0')}`,
      size: 1 + Math.floor(rand() * 3),
      // Ten distinct seconds only: plenty of equal created_at within and across providers.
      createdAt: SEED_EPOCH + 86_400_000 + Math.floor(rand() * 10) * 1000,
    }));
    p.volume.seed(p.projects['demo'] as string, 'seed-user', seeds);
  }
});
afterAll(() => h.close());

const get = (path: string) => request(h.server).get(path).set('x-auth-token', me.token);

async function walk(query: string): Promise<string[]> {
  const ids: string[] = [];
  let path: string | undefined = `/volume/v3/${me.projectId}/volumes/detail?${query}`;
  for (let i = 0; i < 200 && path; i++) {
    const res = await get(path);
    expect(res.status).toBe(200);
    ids.push(...(res.body.volumes as Vol[]).map((v) => v.id));
    const next = (res.body.volumes_links as { href: string; rel: string }[] | undefined)?.find((l) => l.rel === 'next');
    path = next ? next.href.slice(h.url.length) : undefined;
  }
  return ids;
}

function cinderOrder(vols: Vol[], keys: [keyof Vol, 'asc' | 'desc'][]): string[] {
  return [...vols]
    .sort((a, b) => {
      for (const [k, dir] of keys) {
        const x = k === 'created_at' ? Date.parse(`${a[k]}Z`) : a[k];
        const y = k === 'created_at' ? Date.parse(`${b[k]}Z`) : b[k];
        if (x === y) continue;
        return (x < y ? -1 : 1) * (dir === 'asc' ? 1 : -1);
      }
      return 0;
    })
    .map((v) => v.id);
}

describe.each([
  [
    '',
    [
      ['created_at', 'desc'],
      ['id', 'desc'],
    ],
  ],
  [
    'sort=name:asc',
    [
      ['name', 'asc'],
      ['created_at', 'asc'],
      ['id', 'asc'],
    ],
  ],
  [
    'sort=size:desc,name:asc',
    [
      ['size', 'desc'],
      ['name', 'asc'],
      ['created_at', 'desc'],
      ['id', 'desc'],
    ],
  ],
  [
    'sort_key=size&sort_dir=asc',
    [
      ['size', 'asc'],
      ['created_at', 'asc'],
      ['id', 'asc'],
    ],
  ],
] as const)('sorted by "%s"', (sort, keys) => {
  let big: Vol[];
  beforeAll(async () => {
    const res = await get(`/volume/v3/${me.projectId}/volumes/detail${sort ? `?${sort}` : ''}`);
    big = res.body.volumes as Vol[];
  });

  it('the big listing has every volume in Cinder order', () => {
    expect(big).toHaveLength(59);
    expect(big.map((v) => v.id)).toEqual(cinderOrder(big, keys as unknown as [keyof Vol, 'asc' | 'desc'][]));
  });

  it.each([1, 4, 7, 20, 58, 59, 60])('a limit=%i walk equals it', async (limit) => {
    const ids = await walk(`${sort ? `${sort}&` : ''}limit=${limit}`);
    expect(ids).toEqual(big.map((v) => v.id));
  });
});
