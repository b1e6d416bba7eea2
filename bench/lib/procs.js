'use strict';
// Child processes for the benchmarks: the proxy (`node dist/main.js --config …`, as operators run it), backends
// and nginx, each pinned to a CPU when asked, with their memory read from /proc/<pid>/status.
const { spawn } = require('node:child_process');
const { existsSync, openSync, readFileSync, mkdtempSync, writeFileSync } = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');

const scratchDirs = [];

/** A scratch directory for generated configs and child logs (removed by run.js after a successful run). */
function scratchDir(prefix) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `ocx-bench-${prefix}-`));
  scratchDirs.push(dir);
  return dir;
}

/** A port nobody listens on right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts connections on the port (or rejects after `timeoutMs`). */
async function waitForPort(port, timeoutMs = 20_000, child) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null)
      throw new Error(`${child.label} exited with ${child.exitCode} before listening`);
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`nothing listens on ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Resolves once `file` exists (a child writes it when ready). */
async function waitForFile(file, timeoutMs = 30_000, child) {
  const until = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (child && child.exitCode !== null)
      throw new Error(`${child.label} exited with ${child.exitCode} (see ${child.logFile})`);
    if (Date.now() > until) throw new Error(`${file} not written after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts a child, its stdout/stderr appended to `<dir>/<label>.log`. `cpu` pins it with taskset (the bench keeps
 * the process under test on its own core, load generator and backend on the other).
 */
function start(label, command, args, { dir, cpu, env, cwd } = {}) {
  const logFile = path.join(dir ?? os.tmpdir(), `${label}.log`);
  const out = openSync(logFile, 'a');
  const [cmd, argv] = cpu == null ? [command, args] : ['taskset', ['-c', String(cpu), command, ...args]];
  const child = spawn(cmd, argv, {
    cwd: cwd ?? ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', out, out],
  });
  child.label = label;
  child.logFile = logFile;
  return child;
}

function stop(child, signal = 'SIGTERM') {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

/** VmRSS and VmHWM (peak) of a process, in MiB; undefined once it is gone. */
function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMiB: kb('VmRSS') / 1024, peakMiB: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** The pid of the real program when it was started through taskset (taskset execs it: same pid). */
function pidOf(child) {
  return child.pid;
}

/** Starts the proxy from dist/ on a config object (written as JSON, which the YAML loader reads). */
async function startProxy(config, { dir, cpu, label = 'proxy' } = {}) {
  const file = path.join(dir, `${label}.json`);
  writeFileSync(file, JSON.stringify(config, null, 2));
  const child = start(label, process.execPath, [path.join(ROOT, 'dist', 'main.js'), '--config', file], { dir, cpu });
  await waitForPort(config.listen.port, 20_000, child);
  return child;
}

module.exports = {
  ROOT,
  scratchDir,
  scratchDirs,
  freePort,
  waitForPort,
  waitForFile,
  start,
  stop,
  memoryOf,
  pidOf,
  startProxy,
};
