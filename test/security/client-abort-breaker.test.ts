import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import request from 'supertest';
import type { Harness } from '../support/harness';
import { passwordAuth } from '../support/harness';
import { startHygieneHarness } from './support/hygiene-harness';
import { encodeRequest } from './support/raw-http';

// Finding (bench/latency.js): clients that go away while their call to a provider is in flight must
// not count as that provider failing. Otherwise five impatient clients (or one client opening five requests and
// closing them) open the provider's breaker and every other user's calls to it are refused with a 503 for the
// whole cooling period: a denial of service by disconnecting. A real provider failure still opens the breaker.

const SLOW_MS = 1500;

let h: Harness;
let slow: Server;
let homeKeystone = '';

/**
 * The home Keystone behind a forwarder that answers `/v3/slow` after SLOW_MS (a provider that is merely slow) and
 * relays everything else to the demo's Keystone.
 */
async function startForwarder(): Promise<string> {
  slow = createServer((req, res) => {
    if (req.url?.startsWith('/v3/slow')) {
      const timer = setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), SLOW_MS);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    const up = httpRequest(`${homeKeystone}${req.url}`, { method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  const forwarder = await startForwarder();
  h = await startHygieneHarness({
    providers: ['home', 'bu-keystone'],
    providerExtras: (demo) => {
      homeKeystone = `${demo.providers['home']!.baseUrl}/identity`;
      return { home: { keystone_url: forwarder } };
    },
  });
});
afterAll(async () => {
  await h.close();
  await new Promise<void>((resolve) => slow.close(() => resolve()));
});

async function login(): Promise<string> {
  const res = await request(h.server)
    .post('/identity/v3/auth/tokens')
    .send(passwordAuth('demo', 'demo-secret', 'demo'));
  expect(res.status).toBe(201);
  return res.headers['x-subject-token'] as string;
}

/** Sends a request and closes the connection after `afterMs`, without waiting for the answer. */
function sendAndHangUp(path: string, token: string, afterMs: number): Promise<void> {
  const url = new URL(h.url);
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(encodeRequest(url.host, { method: 'GET', path, headers: [['X-Auth-Token', token]] }));
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, afterMs);
    });
    socket.on('error', () => resolve());
  });
}

it('a provider that really fails still opens its breaker', async () => {
  const token = await login();
  h.demo.setDown('bu-keystone', true);
  try {
    for (let i = 0; i < 6; i++) {
      const res = await request(h.server)
        .get('/identity/v3/auth/projects')
        .set('x-auth-token', token)
        .set('x-ocx-provider', 'bu-keystone');
      expect(res.status).toBeGreaterThanOrEqual(500);
    }
    const ready = await request(h.server).get('/readyz');
    expect((ready.body as { providers: Record<string, { breaker: string }> }).providers['bu-keystone']?.breaker).toBe(
      'open',
    );
    // The home provider is untouched by another provider's failure.
    expect((ready.body as { providers: Record<string, { breaker: string }> }).providers['home']?.breaker).toBe(
      'closed',
    );
  } finally {
    h.demo.setDown('bu-keystone', false);
  }
});

it('ten clients hanging up on a slow provider call leave the provider usable for everyone else', async () => {
  const token = await login();
  const logsFrom = h.logs.length; // the test above logs its provider outage on purpose
  expect((await request(h.server).get('/identity/v3/auth/projects').set('x-auth-token', token)).status).toBe(200);
  await Promise.all(Array.from({ length: 10 }, () => sendAndHangUp('/identity/v3/slow', token, 200)));
  // Give the proxy a moment to notice the closed sockets and abort the upstream calls.
  await new Promise((r) => setTimeout(r, 100));
  expect((await request(h.server).get('/readyz')).body.providers.home.breaker).toBe('closed');
  // Someone else logs in and calls the home provider: neither may be refused.
  const other = await login();
  const res = await request(h.server).get('/identity/v3/auth/projects').set('x-auth-token', other);
  expect({ status: res.status, body: res.text.slice(0, 200) }).toEqual({ status: 200, body: expect.any(String) });
  // Nor are they logged as server errors: the client went away, the proxy did not fail.
  expect(h.logs.slice(logsFrom).filter((l) => /"status":5\d\d/.test(l))).toEqual([]);
});
