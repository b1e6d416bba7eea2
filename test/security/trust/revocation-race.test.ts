import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { startDemoCloud } from '../../../src/demo/demo-cloud';
import { passwordAuth, type Harness } from '../../support/harness';
import { startInstance } from '../../support/proxy-instance';

// Revocation through the proxy must win against a validation already in flight: the home Keystone sits behind a
// relay that holds validation answers back (network latency), a request starts validating the token, and
// DELETE /identity/v3/auth/tokens revokes it before that answer arrives. Neither the late answer nor the K2K
// session made earlier may keep the token working.

const BU = 'bu-keystone';

/** Relays to the home Keystone; while `holdValidations` is set, a GET /v3/auth/tokens answer waits for release. */
class DelayingRelay {
  holdValidations = false;
  private held: Array<() => void> = [];
  private heldWaiters: Array<() => void> = [];
  private server?: Server;
  url = '';

  constructor(private readonly target: string) {}

  async start(): Promise<void> {
    const target = new URL(this.target);
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const up = httpRequest(
          {
            host: target.hostname,
            port: target.port,
            method: req.method,
            path: target.pathname.replace(/\/$/, '') + (req.url ?? ''),
            headers: { ...req.headers, host: target.host },
          },
          (upRes: IncomingMessage) => {
            const body: Buffer[] = [];
            upRes.on('data', (c: Buffer) => body.push(c));
            upRes.on('end', () => {
              const send = (): void => {
                res.writeHead(upRes.statusCode ?? 502, upRes.headers);
                res.end(Buffer.concat(body));
              };
              const isValidation = req.method === 'GET' && /\/v3\/auth\/tokens(\?|$)/.test(req.url ?? '');
              if (this.holdValidations && isValidation) {
                this.held.push(send);
                for (const w of this.heldWaiters.splice(0)) w();
              } else send();
            });
          },
        );
        up.on('error', () => res.destroy());
        up.end(Buffer.concat(chunks));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Resolves once Keystone has answered a validation that the relay now holds. */
  heldValidation(): Promise<void> {
    if (this.held.length) return Promise.resolve();
    return new Promise((resolve) => this.heldWaiters.push(resolve));
  }

  release(): void {
    this.holdValidations = false;
    for (const send of this.held.splice(0)) send();
  }

  async stop(): Promise<void> {
    this.release();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

let h: Harness;
let relay: DelayingRelay;

beforeAll(async () => {
  h = await startHarnessWithRelay();
});
afterAll(async () => {
  await h.close();
  await relay.stop();
});

async function startHarnessWithRelay(): Promise<Harness> {
  const demo = await startDemoCloud();
  const homeKeystone = demo.config.providers['home']!.keystone_url;
  relay = new DelayingRelay(homeKeystone);
  await relay.start();
  const config = {
    ...demo.config,
    providers: { ...demo.config.providers, home: { ...demo.config.providers['home']!, keystone_url: relay.url } },
    // Short only to keep the test quick: the race exists for any token_ttl.
    cache: { token_ttl: '2s' },
  };
  const instance = await startInstance(config, '(test)');
  return {
    ...instance,
    demo,
    close: async () => {
      await instance.close();
      await demo.stop();
    },
  };
}

async function login(): Promise<string> {
  const res = await request(h.server)
    .post('/identity/v3/auth/tokens')
    .send(passwordAuth('demo', 'demo-secret', 'demo'));
  expect(res.status).toBe(201);
  return res.headers['x-subject-token'] as string;
}

const atBu = (token: string) =>
  request(h.server).get('/compute/v2.1/servers').set('x-auth-token', token).set('x-ocx-provider', BU);
const everywhere = (token: string) => request(h.server).get('/compute/v2.1/servers').set('x-auth-token', token);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('revocation through the proxy against a validation in flight', () => {
  it('a revoked token gets 401 at home and at providers, even when a validation was in flight', async () => {
    const token = await login();
    // A K2K session at bu-keystone exists for this token.
    expect((await atBu(token)).status).toBe(200);
    // Let the cached validation lapse (the session stays), so the next call validates at Keystone again.
    await sleep(2_200);

    relay.holdValidations = true;
    const inFlight = atBu(token).then((r) => r);
    await relay.heldValidation();
    // Keystone has said "valid"; the answer is on its way when the token is revoked.
    const del = request(h.server)
      .delete('/identity/v3/auth/tokens')
      .set('x-auth-token', token)
      .set('x-subject-token', token)
      .then((r) => r);
    // The revocation reaches Keystone before the held answer does.
    await sleep(150);
    relay.release();
    expect((await del).status).toBe(204);
    await inFlight;

    const afterBu = await atBu(token);
    expect(afterBu.status).toBe(401);
    expect((await everywhere(token)).status).toBe(401);
    const atIdentityBu = await request(h.server)
      .get('/identity/v3/auth/projects')
      .set('x-auth-token', token)
      .set('x-ocx-provider', BU);
    expect(atIdentityBu.status).toBe(401);
    // And it stays revoked while an earlier answer could still be cached.
    await sleep(500);
    expect((await atBu(token)).status).toBe(401);
  });
});
