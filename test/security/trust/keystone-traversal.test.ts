// The Keystone passthrough must never climb out of Keystone: a dot segment (plain or percent-encoded) below
// /identity/v3 would otherwise reach any path on the provider's host with the user's home token, or with the
// proxy's K2K token under X-OCX-Provider, and return the provider's answer unrewritten (provider URLs and project
// ids). The paths are written to the socket as they are: no client-side normalisation.
import { startSession, type Session } from '../support/hostile-session';
import { sendRaw } from '../support/raw-http';
import { formatProblem } from '../support/service-format';
import { markUpstream, upstreamRequests } from '../support/upstream-record';

let s: Session;
beforeAll(async () => {
  s = await startSession(['home', 'bu-keystone']);
});
afterAll(() => s.close());

const BU = 'bu-keystone';

const CASES: Array<[string, () => string, string | undefined]> = [
  ['../ to home Nova', () => '/identity/v3/../../compute/v2.1/servers', undefined],
  ['%2e%2e to home Nova', () => '/identity/v3/%2e%2e/%2e%2e/compute/v2.1/servers', undefined],
  ['%2E%2E to home Nova', () => '/identity/v3/%2E%2E/%2E%2E/compute/v2.1/servers/detail', undefined],
  ['../ to home Cinder', () => `/identity/v3/../../volume/v3/${s.ids.project}/volumes`, undefined],
  ['../ to home Swift', () => `/identity/v3/../../object-store/v1/AUTH_${s.ids.project}`, undefined],
  ['../ to bu-keystone Nova', () => '/identity/v3/../../compute/v2.1/servers/detail', BU],
  ['%2e%2e to bu-keystone Nova', () => '/identity/v3/%2e%2e/%2e%2e/compute/v2.1/servers', BU],
  [
    '../ to bu-keystone Cinder',
    () => `/identity/v3/../../volume/v3/${s.h.demo.providers[BU]!.projects['demo'] as string}/volumes`,
    BU,
  ],
  ['../ to bu-keystone Swift', () => `/identity/v3/../../object-store/v1/AUTH_${s.ids.project}`, BU],
];

describe('dot segments below /identity/v3', () => {
  it.each(CASES)('%s: 400 in Keystone format, nothing outside Keystone reached', async (_name, path, provider) => {
    const mark = markUpstream(s.h);
    const headers: Array<[string, string]> = [['X-Auth-Token', s.token]];
    if (provider) headers.push(['X-OCX-Provider', provider]);
    const res = await sendRaw(s.h.url, { method: 'GET', path: path(), headers });
    expect(`${res.status} ${res.text.slice(0, 200)}`).toMatch(/^400 /);
    expect(formatProblem('identity', res)).toBeUndefined();
    const escaped = upstreamRequests(s.h, mark).filter((r) => r.service !== 'identity');
    expect(escaped.map((r) => `${r.provider} ${r.method} ${r.url}`)).toEqual([]);
    const everything = `${res.head}\r\n\r\n${res.text}`;
    for (const host of s.providerHosts) expect(everything).not.toContain(host);
  });

  it('the passthrough itself still works (so the refusals above are not a broken route)', async () => {
    for (const provider of [undefined, BU]) {
      const headers: Array<[string, string]> = [['X-Auth-Token', s.token]];
      if (provider) headers.push(['X-OCX-Provider', provider]);
      const res = await sendRaw(s.h.url, { method: 'GET', path: '/identity/v3/auth/projects', headers });
      expect({ provider, status: res.status }).toEqual({ provider, status: 200 });
    }
  });
});
