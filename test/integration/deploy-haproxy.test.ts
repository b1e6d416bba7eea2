// deploy/haproxy/ocx-proxy.cfg and the lab's deploy/lab/lb/haproxy.cfg: HAProxy's own checker (haproxy -c; Debian
// package haproxy, installed by deploy/lab/install.sh), then what the proxy needs from its balancer: round robin
// with no stickiness, health checks on /readyz, retries only where a request cannot have been half-sent.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'ocx-haproxy-'));
const snippet = readFileSync(path.join(root, 'deploy/haproxy/ocx-proxy.cfg'), 'utf8');
const lab = readFileSync(path.join(root, 'deploy/lab/lb/haproxy.cfg'), 'utf8');

/** A copy haproxy -c can check here: loopback binds, no certificate file, sockets in a temporary directory. */
function checkable(text: string): string {
  return text
    .replace(/bind :443 ssl crt \S+/, 'bind 127.0.0.1:18443')
    .replace(/\/run\/haproxy\/admin\.sock/, path.join(dir, 'admin.sock'))
    .replace(/@RUN@/g, dir)
    .replace(/@LB_PORT@|@STATS_PORT@/g, '18070')
    .replace('@SERVERS@', '    server ocx-1 127.0.0.1:8061 check\n    server ocx-2 127.0.0.1:8062 check');
}

describe.each([
  ['deploy/haproxy/ocx-proxy.cfg', snippet],
  ['deploy/lab/lb/haproxy.cfg', lab],
])('%s', (name, text) => {
  it('passes haproxy -c', async () => {
    const file = path.join(dir, path.basename(path.dirname(name)) + '.cfg');
    writeFileSync(file, checkable(text));
    const { stdout, stderr } = await run('/usr/sbin/haproxy', ['-c', '-f', file]);
    expect(`${stdout}${stderr}`).toContain('Configuration file is valid');
  });

  it('balances round robin with no stickiness and checks /readyz', () => {
    const backend = /^backend ocx_proxies\n([\s\S]*?)(?=^\S|(?![\s\S]))/m.exec(text)?.[1] ?? '';
    expect(backend).toMatch(/^\s+balance roundrobin$/m);
    expect(backend).toMatch(/^\s+option httpchk GET \/readyz$/m);
    expect(backend).toMatch(/^\s+http-check expect status 200$/m);
    expect(backend).not.toMatch(/^\s+(cookie|stick|stick-table|hash-type)\b/m);
    expect(backend).not.toMatch(/prefer-last-server/);
    expect(backend).toMatch(/fall \d+ rise \d+/);
  });

  it('retries refused connections anywhere, replays only GET/HEAD', () => {
    expect(text).toMatch(/^\s+retry-on conn-failure empty-response$/m);
    expect(text).toMatch(/^\s+http-request disable-l7-retry unless METH_GET \|\| METH_HEAD$/m);
    expect(text).toMatch(/^\s+option redispatch/m);
  });
});
