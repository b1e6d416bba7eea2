// @ts-check
'use strict';
// Child processes for the benchmarks: the proxy (`node dist/main.js --config …`, as operators run it), backends
// and nginx, each pinned to a CPU when asked, with their memory read from /proc/<pid>/status.
const { spawn } = require('node:child_process');
const { existsSync, openSync, readFileSync, readdirSync, mkdtempSync, writeFileSync } = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');

/** @typedef {import('node:child_process').ChildProcess & { label: string, logFile: string }} Child */

/** @type {string[]} */
const scratchDirs = [];

/**
 * A scratch directory for generated configs and child logs (removed by run.js after a successful run).
 * @param {string} prefix
 */
function scratchDir(prefix) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `ocx-bench-${prefix}-`));
  scratchDirs.push(dir);
  return dir;
}

/**
 * A port nobody listens on right now.
 * @returns {Promise<number>}
 */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Resolves once something accepts connections on the port (or rejects after `timeoutMs`).
 * @param {number} port
 * @param {Child} [child]
 */
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

/**
 * Resolves once `file` exists (a child writes it when ready).
 * @param {string} file
 * @param {Child} [child]
 */
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
 * @param {string} label
 * @param {string} command
 * @param {string[]} args
 * @param {{ dir?: string, cpu?: number | string, env?: NodeJS.ProcessEnv, cwd?: string }} [opts]
 * @returns {Child}
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
  return Object.assign(child, { label, logFile });
}

/**
 * @param {Child | undefined} child
 * @param {NodeJS.Signals} [signal]
 * @returns {Promise<void>}
 */
function stop(child, signal = 'SIGTERM') {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    child.kill(signal);
  });
}

/**
 * VmRSS and VmHWM (peak) of a process, in MiB; undefined once it is gone.
 * @param {number | undefined} pid
 */
function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (/** @type {string} */ name) =>
      Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMiB: kb('VmRSS') / 1024, peakMiB: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/**
 * The pid of the real program when it was started through taskset (taskset execs it: same pid).
 * @param {Child} child
 */
function pidOf(child) {
  return child.pid;
}

/**
 * Starts the proxy from dist/ on a config object (written as JSON, which the YAML loader reads). One worker unless
 * `workers` says otherwise: the per-core numbers are of one process (the proxy's default is one per CPU).
 * @param {{ listen: { port: number } } & Record<string, unknown>} config
 * `nodeArgs` go to node before the script (bench/profile.js passes --cpu-prof); `dist` is another build of the
 * proxy (`--baseline`), else the tree's dist/.
 * @param {{ dir: string, cpu?: number | string, label?: string, workers?: number, nodeArgs?: string[], dist?: string }} opts
 */
async function startProxy(config, { dir, cpu, label = 'proxy', workers = 1, nodeArgs = [], dist }) {
  const file = path.join(dir, `${label}.json`);
  writeFileSync(file, JSON.stringify(config, null, 2));
  const main = path.join(dist ?? path.join(ROOT, 'dist'), 'main.js');
  const args = [...nodeArgs, main, '--config', file, '--workers', String(workers)];
  const child = start(label, process.execPath, args, { dir, cpu });
  await waitForPort(config.listen.port, 20_000, child);
  return child;
}

/**
 * CPU seconds (user + system) used so far by a process and every descendant still alive (nginx's worker, the
 * proxy's cluster workers); the per-core figures divide requests/s by the cores this actually kept busy.
 * @param {number | undefined} pid
 * @returns {number}
 */
function cpuSecondsOf(pid) {
  if (pid === undefined) return 0;
  const ticks = 100; // USER_HZ: 100 on every Linux the lab runs (getconf CLK_TCK)
  /** @type {Map<number, { ppid: number, cpu: number }>} */
  const procs = new Map();
  // /proc/<pid>/task/*/children needs CONFIG_PROC_CHILDREN, which this kernel lacks: walk every process's ppid.
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the ")" that closes the command name: ppid is field 4, utime 14, stime 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.set(Number(name), { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / ticks });
    } catch {
      // Gone meanwhile.
    }
  }
  let total = 0;
  const visit = (/** @type {number} */ p) => {
    total += procs.get(p)?.cpu ?? 0;
    for (const [child, { ppid }] of procs) if (ppid === p) visit(child);
  };
  visit(pid);
  return total;
}

module.exports = {
  ROOT,
  cpuSecondsOf,
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
