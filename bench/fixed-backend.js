// @ts-check
'use strict';
// A provider that answers in microseconds: fixed Keystone and Nova JSON from plain node:http (no framework), so
// the added-latency benchmark measures the proxy (or nginx) and not the backend. Usage:
//   node bench/fixed-backend.js <port>
// Keystone: POST/GET /identity/v3/auth/tokens (a token whose catalog points here), GET /identity/v3/auth/projects.
// Nova: GET /compute/v2.1/servers and /servers/detail (two servers). Anything else: 404.
const http = require('node:http');

const port = Number(process.argv[2]);
const base = `http://127.0.0.1:${port}`;
const TOKEN = `gAAAAABbench${'0'.repeat(150)}`;
const PROJECT = 'b0a0c0d0e0f000000000000000000001';
const USER = 'u0a0c0d0e0f000000000000000000001';

const expires = new Date(Date.now() + 24 * 3600_000).toISOString().replace(/\.\d+Z$/, '.000000Z');
const endpoint = (type, url) => ({
  type,
  id: `${type}-id`,
  name: type,
  endpoints: [{ id: `${type}-pub`, interface: 'public', region: 'RegionOne', region_id: 'RegionOne', url }],
});
const tokenBody = JSON.stringify({
  token: {
    methods: ['password'],
    user: { id: USER, name: 'bench', domain: { id: 'default', name: 'Default' }, password_expires_at: null },
    audit_ids: ['benchaudit'],
    expires_at: expires,
    issued_at: new Date().toISOString().replace(/\.\d+Z$/, '.000000Z'),
    project: { id: PROJECT, name: 'bench', domain: { id: 'default', name: 'Default' } },
    is_domain: false,
    roles: [
      { id: 'r1', name: 'member' },
      { id: 'r2', name: 'reader' },
    ],
    catalog: [endpoint('identity', `${base}/identity`), endpoint('compute', `${base}/compute/v2.1`)],
  },
});
const projectsBody = JSON.stringify({
  projects: [
    {
      id: PROJECT,
      name: 'bench',
      domain_id: 'default',
      description: 'bench project',
      enabled: true,
      is_domain: false,
      parent_id: 'default',
      tags: [],
      options: {},
      links: { self: `${base}/identity/v3/projects/${PROJECT}` },
    },
  ],
  links: { self: `${base}/identity/v3/auth/projects`, previous: null, next: null },
});
const server = (id, name, created) => ({
  id,
  name,
  status: 'ACTIVE',
  tenant_id: PROJECT,
  user_id: USER,
  created,
  updated: created,
  links: [
    { rel: 'self', href: `${base}/compute/v2.1/servers/${id}` },
    { rel: 'bookmark', href: `${base}/compute/servers/${id}` },
  ],
});
const serversBody = JSON.stringify({
  servers: [
    server('5c1e0b5e-0000-4000-8000-000000000002', 'web-2', '2024-01-02T00:00:00Z'),
    server('5c1e0b5e-0000-4000-8000-000000000001', 'web-1', '2024-01-01T00:00:00Z'),
  ],
});

function send(res, status, body, headers = {}) {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-openstack-request-id': 'req-00000000-0000-4000-8000-000000000000',
    ...headers,
  });
  res.end(body);
}

http
  .createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    req.resume();
    req.on('end', () => {
      if (path === '/identity/v3/auth/tokens' && req.method === 'POST')
        return send(res, 201, tokenBody, { 'x-subject-token': TOKEN });
      if (path === '/identity/v3/auth/tokens') return send(res, 200, tokenBody, { 'x-subject-token': TOKEN });
      if (path === '/identity/v3/auth/projects') return send(res, 200, projectsBody);
      if (path === '/compute/v2.1/servers' || path === '/compute/v2.1/servers/detail')
        return send(res, 200, serversBody);
      send(res, 404, '{"error":{"code":404,"title":"Not Found","message":"The resource could not be found."}}');
    });
  })
  .listen(port, '127.0.0.1', () => process.stdout.write(`fixed backend on ${base}\n`));
