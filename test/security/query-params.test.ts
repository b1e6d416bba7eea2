import { FRONTS, type FrontSpec } from './support/fronts';
import { authed, hostileBatch, startSession, type HostileCase, type Session } from './support/hostile-session';
import type { RawResponse } from './support/raw-http';

// Duplicate and conflicting query parameters, huge `limit`, negative or unknown `marker`, nonsense
// sort specs, on every merged listing. Each gets what the real service answers (a 400 mostly; Swift ignores a
// limit that is not a number and refuses one over 10 000 with 412; Nova, Cinder and Glance cap a huge limit),
// never a 5xx, and a merged listing never answers more rows than asked for.

let s: Session;
beforeAll(async () => {
  s = await startSession();
});
afterAll(() => s.close());

type Row = [label: string, query: string, expect: number[], check?: (res: RawResponse) => void];

const UUID = '00000000-0000-4000-8000-000000000000';

/** Rows of a JSON listing (servers, volumes, images) or of a Swift plain listing. */
function rowCount(res: RawResponse): number {
  if (/json/.test(res.headers['content-type']?.[0] ?? '')) {
    const doc = JSON.parse(res.text) as Record<string, unknown> | unknown[];
    if (Array.isArray(doc)) return doc.length;
    const list = Object.values(doc).find(Array.isArray) as unknown[] | undefined;
    return list?.length ?? 0;
  }
  return res.text.split('\n').filter(Boolean).length;
}
const atMost = (n: number) => (res: RawResponse) => {
  if (res.status === 200) expect(rowCount(res)).toBeLessThanOrEqual(n);
};

/** Nova and Cinder (both `limit`/`marker`/`sort_key`/`sort_dir`, Cinder also `sort=key:dir`). */
const NOVA: Row[] = [
  ['negative limit', 'limit=-1', [400]],
  ['non-numeric limit', 'limit=abc', [400]],
  ['exponent limit', 'limit=1e3', [400]],
  ['fractional limit', 'limit=1.5', [400]],
  ['empty limit', 'limit=', [400]],
  ['invalid percent-encoding as limit', 'limit=%zz', [400]],
  ['20-digit limit (capped)', 'limit=99999999999999999999', [200], atMost(1000)],
  ['negative marker', 'marker=-1', [400, 404]],
  ['unknown uuid marker', `marker=${UUID}`, [400, 404]],
  ['two markers', 'marker=a&marker=b', [400, 404]],
  ['two limits (one applies)', 'limit=1&limit=2', [200], atMost(2)],
  ['sideways sort_dir', 'sort_dir=sideways', [400]],
  ['__proto__ sort_key', 'sort_key=__proto__', [400]],
  ['constructor sort_key', 'sort_key=constructor', [400]],
  ['more sort_dirs than keys', 'sort_key=created_at&sort_dir=asc&sort_dir=desc', [400]],
  ['limit 0 with marker -1', 'limit=0&marker=-1', [400, 404]],
];

const NOVA_ONLY: Row[] = [['garbage changes-since', 'changes-since=yesterday-ish', [400]]];
const CINDER_ONLY: Row[] = [
  ['sort with a sideways direction', 'sort=created_at:sideways', [400]],
  ['sort and sort_key together', 'sort=created_at:asc&sort_key=name', [400]],
];

const GLANCE: Row[] = [
  ['negative limit', 'limit=-1', [400]],
  ['non-numeric limit', 'limit=abc', [400]],
  ['20-digit limit (capped)', 'limit=99999999999999999999', [200], atMost(1000)],
  ['negative marker', 'marker=-1', [400]],
  ['unknown uuid marker', `marker=${UUID}`, [400]],
  ['two limits (one applies)', 'limit=1&limit=2', [200], atMost(2)],
  ['sideways sort_dir', 'sort_dir=sideways', [400]],
  ['__proto__ sort_key', 'sort_key=__proto__', [400]],
  ['sort with a bad direction', 'sort=name:sideways', [400]],
  ['sort and sort_key together', 'sort=name:asc&sort_key=name', [400]],
  ['unknown visibility', 'visibility=everyone', [400]],
  ['unknown member_status', 'member_status=maybe', [400]],
];

const SWIFT: Row[] = [
  ['limit over 10 000', 'limit=10001', [412]],
  ['20-digit limit', 'limit=99999999999999999999', [412]],
  ['negative limit (ignored)', 'limit=-1', [200, 204]],
  ['non-numeric limit (ignored)', 'limit=abc', [200, 204]],
  ['negative marker (a position)', 'marker=-1&format=json', [200]],
  ['invalid UTF-8 prefix', 'prefix=%ff', [400]],
  ['invalid UTF-8 marker', 'marker=%ff', [400]],
  ['invalid UTF-8 end_marker', 'end_marker=%ff', [400]],
  ['invalid UTF-8 delimiter', 'delimiter=%ff', [400]],
  ['unknown format (plain)', 'format=yaml', [200, 204]],
  ['two formats (the last wins)', 'format=json&format=xml', [200]],
  ['marker after end_marker (empty)', 'marker=zzz&end_marker=aaa&format=json', [200]],
  ['reverse=maybe', 'reverse=maybe&format=json', [200]],
  ['two limits', 'limit=1&limit=2', [200], atMost(2)],
  ['NUL marker', 'marker=%00', [200, 204, 400, 412]],
];

const NEUTRON: Row[] = [
  ['negative limit', 'limit=-1', [400]],
  ['non-numeric limit', 'limit=abc', [400]],
  ['20-digit limit (everything)', 'limit=99999999999999999999', [200]],
  ['sort_key without sort_dir', 'sort_key=name', [400]],
  ['sideways sort_dir', 'sort_key=name&sort_dir=sideways', [400]],
  ['__proto__ sort_key', 'sort_key=__proto__&sort_dir=asc', [400]],
  ['unknown uuid marker', `limit=1&marker=${UUID}`, [404]],
  ['marker without limit (ignored)', `marker=${UUID}`, [200]],
  ['page_reverse across providers', 'limit=1&page_reverse=true', [400]],
  ['two limits (one applies)', 'limit=1&limit=2', [200], atMost(2)],
];

const KEYSTONE: Row[] = [
  // Keystone lists are not paged by marker: it ignores both (list_limit is the server's own).
  ['negative limit (ignored)', 'limit=-1', [200]],
  ['negative marker (ignored)', 'marker=-1', [200]],
];

function rowsFor(front: FrontSpec): Row[] {
  if (front.name === 'compute') return [...NOVA, ...NOVA_ONLY];
  if (front.name === 'volume') return [...NOVA, ...CINDER_ONLY];
  if (front.paging === 'glance') return GLANCE;
  if (front.paging === 'swift') return SWIFT;
  if (front.paging === 'keystone') return KEYSTONE;
  if (front.paging === 'neutron') return NEUTRON;
  // An unmounted front: every query is a 404 for the path.
  return NOVA.slice(0, 6).map(([label, query]) => [label, query, [404]]);
}

function queryCases(front: FrontSpec): HostileCase[] {
  return rowsFor(front).map(([label, query, expected, check]) => ({
    name: `${front.name}: ${label} → ${expected.join('/')}`,
    request: (sess: Session) => authed(sess, { method: 'GET', path: `${front.list(sess.ids)}?${query}` }),
    expect: expected,
    check: check ? (res: RawResponse) => check(res) : undefined,
  }));
}

hostileBatch('hostile query parameters on listings', FRONTS.flatMap(queryCases), () => s);
