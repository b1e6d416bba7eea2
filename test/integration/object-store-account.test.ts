import request from 'supertest';
import { startSwiftHarness, type SwiftHarness } from './object-store-support';

let s: SwiftHarness;
beforeAll(async () => {
  s = await startSwiftHarness();
  // 40 containers spread over three providers, some names at two of them.
  for (let i = 0; i < 40; i++) {
    const name = `c${String(i).padStart(2, '0')}${i % 3 === 0 ? '-é' : ''}`;
    const provider = ['home', 'bu-keystone', 'nu-keystone'][i % 3] as string;
    s.swiftAt(provider).seed(s.projectAt(provider), name, { [`o${i}`]: 'x'.repeat(i) });
    if (i % 7 === 0) s.swiftAt('nu-keystone').seed(s.projectAt('nu-keystone'), name, { extra: 'yy' });
  }
});
afterAll(() => s.close());

async function names(query: string): Promise<string[]> {
  const res = await s.req('GET', `${s.account}?format=json${query}`);
  expect(res.status).toBe(200);
  return (res.body as Array<{ name?: string; subdir?: string }>).map((r) => r.name ?? (r.subdir as string));
}

describe('account GET: one listing over every provider', () => {
  it('lists every container of every provider once, in byte order, no provider URL leaks', async () => {
    const res = await s.req('GET', `${s.account}?format=json`);
    expect(res.status).toBe(200);
    const rows = res.body as Array<{ name: string; count: number; bytes: number }>;
    const all = rows.map((r) => r.name);
    expect(new Set(all).size).toBe(all.length);
    expect([...all].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))).toEqual(all);
    expect(all).toEqual(
      expect.arrayContaining(['photos', 'backups', 'bu-keystone-data', 'nu-keystone-data', 'c00-é', 'c38']),
    );
    // c07 is at bu-keystone and nu-keystone: one row, counters summed.
    expect(rows.find((r) => r.name === 'c07')).toMatchObject({ count: 2, bytes: 9 });
    expect(res.headers['x-ocx-provider']).toBe('home,bu-keystone,nu-keystone');
    for (const p of Object.values(s.h.demo.providers)) expect(res.text).not.toContain(p.baseUrl);
  });

  it('paging with marker/limit walks exactly the big listing (both directions)', async () => {
    for (const reverse of ['', '&reverse=true']) {
      const big = await names(reverse);
      const walked: string[] = [];
      let marker = '';
      for (let i = 0; i < 100; i++) {
        const page = await names(`&limit=7${reverse}${marker ? `&marker=${encodeURIComponent(marker)}` : ''}`);
        if (page.length === 0) break;
        walked.push(...page);
        marker = page[page.length - 1] as string;
      }
      expect(walked).toEqual(big);
    }
  });

  it('honours prefix, delimiter and end_marker', async () => {
    expect(await names('&prefix=c0&delimiter=-')).toEqual([
      'c00-',
      'c01',
      'c02',
      'c03-',
      'c04',
      'c05',
      'c06-',
      'c07',
      'c08',
      'c09-',
    ]);
    expect(await names('&marker=c10&end_marker=c13')).toEqual(['c11', 'c12-é']);
  });

  it('renders plain and xml like Swift', async () => {
    const plain = await s.req('GET', `${s.account}?prefix=c1&limit=2`);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(plain.text).toBe('c10\nc11\n');
    const empty = await s.req('GET', `${s.account}?prefix=nothing`);
    expect(empty.status).toBe(204);
    const xml = await s.req('GET', `${s.account}?format=xml&prefix=c12`).buffer(true);
    expect(xml.text).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<account name="AUTH_[0-9a-f]+">\n<container><name>c12-é<\/name><count>1<\/count><bytes>12<\/bytes>/,
    );
  });

  it('a limit above 10000 is a 412', async () => {
    const res = await s.req('GET', `${s.account}?limit=10001`);
    expect(res.status).toBe(412);
    expect(res.text).toContain('Maximum limit is 10000');
  });
});

describe('account HEAD: counters of the whole account', () => {
  it('sums objects and bytes, counts same-name containers once', async () => {
    const res = await s.req('HEAD', s.account);
    expect(res.status).toBe(204);
    const list = await names('');
    expect(Number(res.headers['x-account-container-count'])).toBe(list.length);
    const perProvider = await Promise.all(
      ['home', 'bu-keystone', 'nu-keystone'].map((p) => s.req('HEAD', s.account).set('x-ocx-provider', p)),
    );
    const sum = (h: string): number => perProvider.reduce((n, r) => n + Number(r.headers[h]), 0);
    expect(Number(res.headers['x-account-object-count'])).toBe(sum('x-account-object-count'));
    expect(Number(res.headers['x-account-bytes-used'])).toBe(sum('x-account-bytes-used'));
    expect(perProvider.map((r) => r.headers['x-ocx-provider'])).toEqual(['home', 'bu-keystone', 'nu-keystone']);
  });
});

describe('account POST: metadata at home, or where X-OCX-Provider says', () => {
  it('writes home by default', async () => {
    const res = await s.req('POST', s.account).set('x-account-meta-color', 'blue');
    expect(res.status).toBe(204);
    expect(res.headers['x-ocx-provider']).toBe('home');
    const head = await s.req('HEAD', s.account);
    expect(head.headers['x-account-meta-color']).toBe('blue');
    const bu = await s.req('POST', s.account).set('x-ocx-provider', 'bu-keystone').set('x-account-meta-color', 'red');
    expect(bu.headers['x-ocx-provider']).toBe('bu-keystone');
    expect((await s.req('HEAD', s.account)).headers['x-account-meta-color']).toBe('blue');
  });
});

describe('one account only, authenticated', () => {
  it('another account is a 403, a provider account too', async () => {
    const other = await s.req('GET', '/object-store/v1/AUTH_someoneelse');
    expect(other.status).toBe(403);
    expect(other.headers['content-type']).toMatch(/text\/html/);
    const providerAccount = await s.req('GET', `/object-store/v1/AUTH_${s.projectAt('bu-keystone')}`);
    expect(providerAccount.status).toBe(403);
  });

  it('no token is a 401; X-Storage-Token works too', async () => {
    expect((await request(s.h.server).get(s.account)).status).toBe(401);
    const res = await request(s.h.server).get(`${s.account}?format=json`).set('x-storage-token', s.token);
    expect(res.status).toBe(200);
  });

  it('the home token never reaches another provider', async () => {
    await s.req('GET', s.account);
    const seen = s.swiftAt('bu-keystone').requests;
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((r) => r.headers['x-auth-token'] !== s.token && r.headers['x-storage-token'] === undefined)).toBe(
      true,
    );
  });
});

describe('/info', () => {
  it('answers at the root and under /object-store, without a token', async () => {
    const root = await request(s.h.server).get('/info');
    expect(root.status).toBe(200);
    expect(root.body.swift.container_listing_limit).toBe(10000);
    expect(root.body.slo).toBeDefined();
    expect(root.body.tempauth).toBeUndefined();
    const under = await request(s.h.server).get('/object-store/info');
    expect(under.body).toEqual(root.body);
  });
});
