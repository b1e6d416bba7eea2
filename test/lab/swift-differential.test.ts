import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { startLabProxy, type LabProxy } from '../support/lab';
import { flushSwift, proxyLogin, requireLabSwift } from './swift-support';

/**
 * The same containers and objects, once in one real cluster (lab-tempauth) and once spread over two (home and
 * bu-keystone, some names at both): the listings through the proxy must be identical, body byte for byte apart
 * from timestamps, for every combination of marker, end_marker, prefix, delimiter, limit, reverse and format.
 * The one-cluster listing is Swift's own: the proxy forwards a single-holder request as is.
 */
jest.setTimeout(600_000);
const id = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const C = `diff-${id}`;
const A = `dfa${id}`;
const NAMES = ['a', 'a/b', 'a/b/c', 'a/c', 'a-b', 'a//d', 'ab', 'b', 'b/x/y', 'c', 'é', 'é/1', '🐈', '\uffff', 'z/z'];
const CONTAINERS = ['-a', '-a-b', '-a-c', '-b', '-é', '-🐈', '-\uffff', '-z'].map((s) => `${A}${s}`);

let all: LabProxy; // every provider: the one-cluster reference is read with @lab-tempauth / X-OCX-Provider
let two: LabProxy; // home and bu-keystone only: the spread copy is their union
let authAll: { token: string; account: string };
let authTwo: { token: string; account: string };

const put = (p: LabProxy, a: { token: string; account: string }, path: string, body = '') =>
  request(p.server)
    .put(`${a.account}/${path}`)
    .set('x-auth-token', a.token)
    .set('content-type', 'text/plain')
    .send(body);
const enc = (name: string): string => name.split('/').map(encodeURIComponent).join('/');

beforeAll(async () => {
  await requireLabSwift();
  all = await startLabProxy();
  const raw = (all.proxy.deps.config.providers ?? []).map((pr) => pr.name);
  expect(raw).toEqual(['home', 'bu-keystone', 'lab-tempauth']);
  two = await startLabProxy({
    providers: {
      home: {
        keystone_url: 'http://127.0.0.1:5001',
        priority: 1,
        endpoints: { 'object-store': 'http://127.0.0.1:8081/v1/AUTH_{project_id}' },
      },
      'bu-keystone': {
        keystone_url: 'http://127.0.0.1:5002',
        sp_id: 'bu-keystone',
        priority: 2,
        endpoints: { 'object-store': 'http://127.0.0.1:8082/v1/AUTH_{project_id}' },
      },
    },
  });
  authAll = await proxyLogin(all);
  authTwo = await proxyLogin(two);
  // Objects: all in one cluster; spread alternately, every fourth name at both.
  expect((await put(all, authAll, `${C}@lab-tempauth`)).status).toBe(201);
  expect((await put(two, authTwo, `${C}@home`)).status).toBe(201);
  expect((await put(two, authTwo, `${C}@bu-keystone`)).status).toBe(201);
  for (const [i, name] of NAMES.entries()) {
    expect((await put(all, authAll, `${C}@lab-tempauth/${enc(name)}`, `body ${name}`)).status).toBe(201);
    const at = i % 4 === 0 ? ['home', 'bu-keystone'] : [i % 2 ? 'bu-keystone' : 'home'];
    for (const p of at) expect((await put(two, authTwo, `${C}@${p}/${enc(name)}`, `body ${name}`)).status).toBe(201);
  }
  // Containers: the same with one object each; the union of a same-name pair holds the object once per side.
  for (const [i, name] of CONTAINERS.entries()) {
    const at = i % 3 === 0 ? ['home', 'bu-keystone'] : [i % 2 ? 'bu-keystone' : 'home'];
    expect((await put(all, authAll, `${enc(name)}@lab-tempauth`)).status).toBe(201);
    for (const [j, p] of at.entries()) {
      expect((await put(all, authAll, `${enc(name)}@lab-tempauth/o${j}`, 'xy')).status).toBe(201);
      expect((await put(two, authTwo, `${enc(name)}@${p}`)).status).toBe(201);
      expect((await put(two, authTwo, `${enc(name)}@${p}/o${j}`, 'xy')).status).toBe(201);
    }
  }
  await flushSwift();
});

afterAll(async () => {
  const del = (p: LabProxy, a: { token: string; account: string }, path: string) =>
    request(p.server).delete(`${a.account}/${path}`).set('x-auth-token', a.token);
  if (two && all) {
    for (const name of NAMES) {
      await del(all, authAll, `${C}@lab-tempauth/${enc(name)}`);
      await del(two, authTwo, `${C}/${enc(name)}`);
    }
    await del(all, authAll, `${C}@lab-tempauth`);
    await del(two, authTwo, C);
    for (const name of CONTAINERS) {
      for (const o of ['o0', 'o1']) {
        await del(all, authAll, `${enc(name)}@lab-tempauth/${o}`);
        await del(two, authTwo, `${enc(name)}/${o}`);
      }
      await del(all, authAll, `${enc(name)}@lab-tempauth`);
      await del(two, authTwo, enc(name));
    }
  }
  await all?.close();
  await two?.close();
});

function combos(markers: string[], prefixes: string[]): string[] {
  const out: string[] = [];
  for (const marker of markers)
    for (const endMarker of markers.slice(0, 3))
      for (const prefix of prefixes)
        for (const delimiter of ['', '/', '-'])
          for (const limit of ['', '1', '3'])
            for (const reverse of ['', 'true'])
              for (const format of ['json', 'xml', 'plain']) {
                const q = new URLSearchParams();
                if (marker) q.set('marker', marker);
                if (endMarker) q.set('end_marker', endMarker);
                if (prefix) q.set('prefix', prefix);
                if (delimiter) q.set('delimiter', delimiter);
                if (limit) q.set('limit', limit);
                if (reverse) q.set('reverse', reverse);
                q.set('format', format);
                out.push(q.toString());
              }
  return out;
}

const format = (q: string): string | null => new URLSearchParams(q).get('format');

/** Timestamps differ between the clusters; so does the account name in account XML. */
function normalise(text: string): string {
  return text
    .replace(/"last_modified": "[^"]*"/g, '"last_modified": "T"')
    .replace(/<last_modified>[^<]*<\/last_modified>/g, '<last_modified>T</last_modified>')
    .replace(/<account name="[^"]*">/g, '<account name="A">');
}

async function compareAll(
  queries: string[],
  reference: (q: string) => request.Test,
  spread: (q: string) => request.Test,
): Promise<void> {
  const mismatches: string[] = [];
  let withRows = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < queries.length) {
      const q = queries[next++] as string;
      const [a, b] = await Promise.all([reference(q).buffer(true), spread(q).buffer(true)]);
      const same =
        a.status === b.status &&
        a.headers['content-type'] === b.headers['content-type'] &&
        normalise(a.text ?? '') === normalise(b.text ?? '');
      if (a.status === 200 && (a.text ?? '').includes(format(q) === 'xml' ? '<name>' : 'a')) withRows += 1;
      if (!same && mismatches.length < 10) {
        mismatches.push(`?${q}\n  one cluster: ${a.status} ${a.text}\n  spread:      ${b.status} ${b.text}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  expect(mismatches).toEqual([]);
  // Most windows hold rows: the comparison is not one of empty answers.
  expect(withRows).toBeGreaterThan(queries.length / 3);
}

describe('differential: one cluster vs spread over two', () => {
  it('container listings are identical', async () => {
    const queries = combos(['', 'a/b', '🐈', 'b'], ['', 'a', 'a/']);
    const reference = (q: string) =>
      request(all.server).get(`${authAll.account}/${C}@lab-tempauth?${q}`).set('x-auth-token', authAll.token);
    const spread = (q: string) =>
      request(two.server).get(`${authTwo.account}/${C}?${q}`).set('x-auth-token', authTwo.token);
    // The spread listing really is merged from both clusters.
    expect((await spread('format=json')).headers['x-ocx-provider']).toBe('home,bu-keystone');
    await compareAll(queries, reference, spread);
  });

  it('account listings are identical', async () => {
    const queries = combos(['', `${A}-a-b`, `${A}-é`, `${A}-b`], [A, `${A}-a`]);
    const reference = (q: string) =>
      request(all.server)
        .get(`${authAll.account}?${q}`)
        .set('x-auth-token', authAll.token)
        .set('x-ocx-provider', 'lab-tempauth');
    const spread = (q: string) => request(two.server).get(`${authTwo.account}?${q}`).set('x-auth-token', authTwo.token);
    await compareAll(queries, reference, spread);
  });
});
