import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

/** A real Debian `redis-server` on a free loopback port, persistence off (deploy/lab/install.sh installs it). */
export interface TestRedis {
  url: string;
  port: number;
  /** SIGKILL: the outage case (connections reset, nothing answers on the port). */
  kill(): Promise<void>;
  /** A new server on the same port (empty: persistence is off). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

function launch(port: number): Promise<ChildProcess> {
  const proc = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'notice'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer): void => {
      out += chunk.toString('utf8');
      if (out.includes('Ready to accept connections')) {
        proc.stdout?.off('data', onData);
        proc.stdout?.resume();
        resolve(proc);
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.resume();
    proc.once('error', (err) =>
      reject(new Error(`cannot start redis-server (run deploy/lab/install.sh as root): ${err.message}`)),
    );
    proc.once('exit', (code) => reject(new Error(`redis-server exited with ${code}:\n${out}`)));
  });
}

function exited(proc: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    proc.once('exit', () => resolve());
    proc.kill(signal);
  });
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  let proc = await launch(port);
  return {
    url: `redis://127.0.0.1:${port}/0`,
    port,
    kill: () => exited(proc, 'SIGKILL'),
    restart: async () => {
      await exited(proc, 'SIGKILL');
      proc = await launch(port);
    },
    stop: () => exited(proc, 'SIGTERM'),
  };
}

/** A fresh `state.encryption_key` value. */
export function testEncryptionKey(): string {
  return randomBytes(32).toString('base64url');
}
