import request from 'supertest';
import { authed, hostileBatch, startSession, type HostileCase, type Session } from './support/hostile-session';
import type { RawRequest } from './support/raw-http';

// Invalid microversions. Nova: a malformed version is a 400 ("API Version String banana is of invalid
// format"), a well-formed one outside [min, max] a 406; Cinder the same for `OpenStack-API-Version: volume x`.
// On merged listings (every provider asked), routed calls and creates alike: never a 5xx, never a 200 that
// silently used another version.

let s: Session;
let serverId = '';
let volumeId = '';
let imageId = '';
beforeAll(async () => {
  s = await startSession();
  // The home provider's own image: a create at home would succeed with it.
  const images = await request(s.h.server)
    .get('/image/v2/images')
    .set('x-auth-token', s.token)
    .set('x-ocx-provider', 'home');
  imageId =
    (images.body as { images: Array<{ id: string; name: string }> }).images.find((i) => i.name.startsWith('cirros'))
      ?.id ?? '';
  const servers = await request(s.h.server).get('/compute/v2.1/servers').set('x-auth-token', s.token);
  serverId = (servers.body as { servers: Array<{ id: string }> }).servers[0]?.id ?? '';
  const volumes = await request(s.h.server).get(`/volume/v3/${s.ids.project}/volumes`).set('x-auth-token', s.token);
  volumeId = (volumes.body as { volumes: Array<{ id: string }> }).volumes[0]?.id ?? '';
});
afterAll(() => s.close());

const NOVA_VERSIONS: Array<[string, [string, string], number[]]> = [
  ['banana', ['X-OpenStack-Nova-API-Version', 'banana'], [400]],
  ['2.', ['X-OpenStack-Nova-API-Version', '2.'], [400]],
  ['-2.1', ['X-OpenStack-Nova-API-Version', '-2.1'], [400]],
  ['2.1.1', ['X-OpenStack-Nova-API-Version', '2.1.1'], [400]],
  ['2.9999 (above max)', ['X-OpenStack-Nova-API-Version', '2.9999'], [406]],
  ['3.0 (no such major)', ['X-OpenStack-Nova-API-Version', '3.0'], [406]],
  ['1.1 (below min)', ['X-OpenStack-Nova-API-Version', '1.1'], [406]],
  ['compute banana', ['OpenStack-API-Version', 'compute banana'], [400]],
  ['compute 2.9999', ['OpenStack-API-Version', 'compute 2.9999'], [406]],
];

const CINDER_VERSIONS: Array<[string, [string, string], number[]]> = [
  ['volume 9.99 (above max)', ['OpenStack-API-Version', 'volume 9.99'], [406]],
  ['volume banana', ['OpenStack-API-Version', 'volume banana'], [400, 406]],
  ['volume 3 (no minor)', ['OpenStack-API-Version', 'volume 3'], [400, 406]],
  ['volume 2.0 (below min)', ['OpenStack-API-Version', 'volume 2.0'], [406]],
  ['volume 3.0 trailing junk', ['OpenStack-API-Version', 'volume 3.0 junk'], [400, 406]],
  ['volume 3.99999999999999999999', ['OpenStack-API-Version', 'volume 3.99999999999999999999'], [406]],
];

type Call = [string, (sess: Session, h: [string, string]) => RawRequest];

const NOVA_CALLS: Call[] = [
  ['merged listing', (sess, h) => authed(sess, { method: 'GET', path: '/compute/v2.1/servers/detail', headers: [h] })],
  ['routed GET', (sess, h) => authed(sess, { method: 'GET', path: `/compute/v2.1/servers/${serverId}`, headers: [h] })],
  [
    'create',
    (sess, h) =>
      authed(sess, {
        method: 'POST',
        path: '/compute/v2.1/servers',
        headers: [h, ['Content-Type', 'application/json']],
        // A body Nova would accept: only the version can be the reason for the refusal.
        body: JSON.stringify({ server: { name: 'mv', imageRef: imageId, flavorRef: '1' } }),
      }),
  ],
];

const CINDER_CALLS: Call[] = [
  [
    'merged listing',
    (sess, h) => authed(sess, { method: 'GET', path: `/volume/v3/${sess.ids.project}/volumes/detail`, headers: [h] }),
  ],
  [
    'routed GET',
    (sess, h) =>
      authed(sess, { method: 'GET', path: `/volume/v3/${sess.ids.project}/volumes/${volumeId}`, headers: [h] }),
  ],
  [
    'create',
    (sess, h) =>
      authed(sess, {
        method: 'POST',
        path: `/volume/v3/${sess.ids.project}/volumes`,
        headers: [h, ['Content-Type', 'application/json']],
        body: JSON.stringify({ volume: { name: 'mv', size: 1 } }),
      }),
  ],
];

function cases(service: string, versions: typeof NOVA_VERSIONS, calls: Call[]): HostileCase[] {
  return calls.flatMap(([call, build]) =>
    versions.map(([label, h, expected]): HostileCase => ({
      name: `${service} ${call}: ${label} → ${expected.join('/')}`,
      request: (sess) => build(sess, h),
      expect: expected,
    })),
  );
}

hostileBatch('invalid Nova microversions', cases('compute', NOVA_VERSIONS, NOVA_CALLS), () => s);
hostileBatch('invalid Cinder microversions', cases('volume', CINDER_VERSIONS, CINDER_CALLS), () => s);
