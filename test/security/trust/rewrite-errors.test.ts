// A JSON answer the proxy cannot parse must not be relayed as it came: the URL rewrite never ran on it, so it can
// hold the provider's own URLs (and project ids). The client gets a 502 in the service's format instead. The home
// Keystone here is a tiny server that answers the token validation properly and everything else with truncated
// JSON that names its own address.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { startInstance, type ProxyInstance } from '../../support/proxy-instance';
import { sendRaw, type RawResponse } from '../support/raw-http';
import { formatProblem } from '../support/service-format';

const TOKEN = 'rewrite-errors-token';

let upstream: Server;
let hostPort = '';
let p: ProxyInstance;
const seen: string[] = [];

function validToken(): unknown {
  return {
    token: {
      user: { id: 'u1', name: 'demo', domain: { id: 'default', name: 'Default' } },
      project: { id: 'p1', name: 'demo', domain: { id: 'default', name: 'Default' } },
      roles: [{ id: 'r1', name: 'member' }],
      expires_at: new Date(Date.now() + 3600_000).toISOString(),
      issued_at: new Date().toISOString(),
      methods: ['password'],
      catalog: [],
    },
  };
}

/** What the fake answers for each path: truncated JSON holding its own URLs, in a success and an error answer. */
function answer(req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '/';
  seen.push(`${req.method} ${url}`);
  if (url.startsWith('/identity/v3/auth/tokens') && req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json', 'x-subject-token': TOKEN });
    res.end(JSON.stringify(validToken()));
    return;
  }
  const status = url.includes('missing') ? 404 : 200;
  res.writeHead(status, { 'content-type': 'application/json' });
  // One URL under the configured Keystone prefix (a plain text rewrite would catch it), one outside it.
  res.end(
    `{"links": {"self": "http://${hostPort}/identity/v3/projects", "other": "http://${hostPort}/v2.0/x"}, "projects": [`,
  );
}

beforeAll(async () => {
  upstream = createServer(answer);
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  hostPort = `127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  p = await startInstance(
    {
      listen: { host: '127.0.0.1', port: 0 },
      home: 'home',
      catalog: { template: path.resolve(__dirname, '../../../catalog-templates/default.yaml'), region: 'RegionOne' },
      providers: { home: { keystone_url: `http://${hostPort}/identity`, priority: 1 } },
    },
    '(test)',
  );
});
afterAll(async () => {
  await p?.close();
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

function expectBadGateway(res: RawResponse): void {
  expect(`${res.status} ${res.text.slice(0, 300)}`).toMatch(/^502 /);
  expect(formatProblem('identity', res)).toBeUndefined();
  expect(`${res.head}\r\n\r\n${res.text}`).not.toContain(hostPort);
}

describe('a malformed JSON answer from the home Keystone', () => {
  it.each(['/identity/v3/projects', '/identity/v3/projects/missing'])(
    'GET %s: 502 in Keystone format, no provider address',
    async (target) => {
      const from = seen.length;
      const res = await sendRaw(p.url, { method: 'GET', path: target, headers: [['X-Auth-Token', TOKEN]] });
      // The fake really was asked, so the 502 is about its answer.
      expect(seen.slice(from)).toContain(`GET ${target}`);
      expectBadGateway(res);
    },
  );

  it('the proxy logs the failure as a 5xx it answered, without the body', async () => {
    const from = p.logs.length;
    await sendRaw(p.url, { method: 'GET', path: '/identity/v3/projects', headers: [['X-Auth-Token', TOKEN]] });
    const lines = p.logs.slice(from);
    expect(lines.some((l) => /"status":502/.test(l))).toBe(true);
    expect(lines.join('\n')).not.toContain('"projects": [');
  });
});
