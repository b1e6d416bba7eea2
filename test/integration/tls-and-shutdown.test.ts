import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

// The built proxy as an operator runs it (npm test builds dist/ first).
const main = path.resolve(__dirname, '../../dist/main.js');
const dir = mkdtempSync(path.join(tmpdir(), 'ocx-tls-'));

/** A stand-in home Keystone whose /v3 answers after `delayMs`, to have a request in flight. */
async function slowKeystone(delayMs: number): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    setTimeout(() => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({ version: { id: 'v3.14', links: [{ rel: 'self', href: `http://${req.headers.host}/v3/` }] } }),
      );
    }, delayMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function startProxy(config: string): Promise<{ child: ChildProcess; port: number }> {
  const file = path.join(dir, `ocx-${Date.now()}.yaml`);
  writeFileSync(file, config);
  const child = spawn(process.execPath, [main, '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"port":(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.on('exit', (code) => reject(new Error(`proxy exited ${code}`)));
  });
}

const config = (keystone: string, extra = ''): string => `
listen: { host: 127.0.0.1, port: 0 }
public_url: https://proxy.example:8443
home: home
providers:
  home: { keystone_url: ${keystone} }
${extra}`;

describe('TLS termination', () => {
  it('serves HTTPS with the configured certificate and key', async () => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const ks = await slowKeystone(0);
    const { child, port } = await startProxy(config(ks.url, `tls: { cert: ${dir}/cert.pem, key: ${dir}/key.pem }`));
    try {
      const body = await new Promise<string>((resolve, reject) => {
        const req = httpsRequest(
          { host: '127.0.0.1', port, path: '/identity/v3', rejectUnauthorized: false },
          (res) => {
            let b = '';
            res.on('data', (d: Buffer) => (b += d.toString()));
            res.on('end', () => resolve(`${res.statusCode} ${b}`));
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(body).toMatch(/^200 /);
      expect(body).toContain('https://proxy.example:8443/identity/v3/');
    } finally {
      child.kill('SIGKILL');
      ks.server.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('on SIGTERM finishes the in-flight request, refuses new ones and exits 0', async () => {
    const ks = await slowKeystone(1500);
    const { child, port } = await startProxy(
      config(ks.url).replace('https://proxy.example:8443', 'http://127.0.0.1:1'),
    );
    try {
      const inflight = fetch(`http://127.0.0.1:${port}/identity/v3`).then((r) => r.status);
      await new Promise((r) => setTimeout(r, 300));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
      expect(await inflight).toBe(200);
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      ks.server.close();
    }
  });
});
