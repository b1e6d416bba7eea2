// @ts-check
'use strict';
// Scale-out bench (docs/performance.md): a merged Nova listing through the proxy with `--workers 2` vs
// `--workers 1`, same demo backend, same wrk, in one run; and the first merged listing right after a login vs a warm
// one (warm at login: src/identity/warm-up.ts). On a 2-core box the load generator, the backend and the workers
// share the cores: the ratio says how much a second worker still buys there, not what a bigger host gets.
const { demoLogin } = require('./lib/demo-login');
const { startDemoBackend, startProxyOnFreePort } = require('./lib/demo-setup');
const { cpuSecondsOf, scratchDir, stop } = require('./lib/procs');
const { wrk } = require('./lib/wrk');

/** @param {string} base */
const login = async (base) => (await demoLogin(base)).token;

/** @param {number[]} xs */
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

/** The pause before the first listing in the "paused" figure. */
const PAUSE_MS = 20;

/** The proxy's K2K exchange count and total seconds (from its /metrics). @param {string} base */
async function k2kExchanges(base) {
  const text = await (await fetch(`${base}/metrics`)).text();
  const sum = (/** @type {string} */ name) =>
    text
      .split('\n')
      .filter((l) => l.startsWith(`${name}{`))
      .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
  return {
    count: sum('ocx_k2k_exchange_duration_seconds_count'),
    seconds: sum('ocx_k2k_exchange_duration_seconds_sum'),
  };
}

/** Milliseconds of one GET. @param {string} url @param {string} token */
async function timed(url, token) {
  const started = process.hrtime.bigint();
  const res = await fetch(url, { headers: { 'x-auth-token': token } });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/**
 * @param {{ seconds: number, connections: number, repeat: number }} opts
 * @param {(line: string) => void} log
 */
async function scaleBench(opts, log) {
  const dir = scratchDir('scale');
  const { backend, config } = await startDemoBackend(dir);
  try {
    /** @type {Record<string, { rps: number, p99: number, errors: number, proxyCores: number, backendCores: number }>} */
    const throughput = {};
    /** @type {{ firstMs: number, warmMs: number, warmAfterLoginMs: number, pausedMs: number, warmPausedMs: number, exchangeMs: number } | undefined} */
    let login1;
    for (const workers of [1, 2]) {
      const { proxy, base } = await startProxyOnFreePort(config, 'warn', { dir, label: `proxy-w${workers}`, workers });
      try {
        const token = await login(base);
        const url = `${base}/compute/v2.1/servers/detail`;
        await timed(url, token);
        await wrk(url, { seconds: 2, connections: opts.connections, headers: { 'x-auth-token': token } });
        const runs = [];
        // Where the two cores went during the measured runs: the proxy's workers, the demo backend, the rest (wrk,
        // other jobs on the machine).
        const cpu0 = { proxy: cpuSecondsOf(proxy.pid), backend: cpuSecondsOf(backend.pid), at: Date.now() };
        for (let i = 0; i < opts.repeat; i++) {
          runs.push(
            await wrk(url, {
              seconds: opts.seconds,
              connections: opts.connections,
              headers: { 'x-auth-token': token },
            }),
          );
        }
        const rps = median(runs.map((r) => r.rps));
        const wall = (Date.now() - cpu0.at) / 1000;
        throughput[workers] = {
          rps,
          proxyCores: (cpuSecondsOf(proxy.pid) - cpu0.proxy) / wall,
          backendCores: (cpuSecondsOf(backend.pid) - cpu0.backend) / wall,
          p99: median(runs.map((r) => r.p99)),
          errors: runs.reduce((n, r) => n + r.errors, 0),
        };
        log(`workers ${workers}: ${rps.toFixed(0)} req/s, p99 ${throughput[workers].p99.toFixed(1)} ms`);
        if (workers === 1) {
          /** @type {Record<'first' | 'warm' | 'warmAfterLogin' | 'paused' | 'warmPaused', number[]>} */
          const t = { first: [], warm: [], warmAfterLogin: [], paused: [], warmPaused: [] };
          const pause = () => new Promise((r) => setTimeout(r, PAUSE_MS));
          const exchangesBefore = await k2kExchanges(base);
          for (let i = 0; i < Math.max(7, opts.repeat); i++) {
            const fresh = await login(base);
            t.first.push(await timed(url, fresh));
            t.warm.push(await timed(url, fresh));
            // A token warm for long, asked at the same moment after a login: what is left of `first` over this
            // is what the fresh token itself costs (the K2K exchange), not the login's other work on the cores.
            await login(base);
            t.warmAfterLogin.push(await timed(url, token));
            // As a client that reads the catalog before its first call would: the warm-up has that long.
            const next = await login(base);
            await pause();
            t.paused.push(await timed(url, next));
            await login(base);
            await pause();
            t.warmPaused.push(await timed(url, token));
          }
          const exchanges = await k2kExchanges(base);
          login1 = {
            firstMs: median(t.first),
            warmMs: median(t.warm),
            warmAfterLoginMs: median(t.warmAfterLogin),
            pausedMs: median(t.paused),
            warmPausedMs: median(t.warmPaused),
            exchangeMs:
              (exchanges.seconds - exchangesBefore.seconds) / (exchanges.count - exchangesBefore.count) / 1e-3,
          };
        }
      } finally {
        await stop(proxy);
      }
    }
    return {
      throughput,
      workersRatio: (throughput[2]?.rps ?? NaN) / (throughput[1]?.rps ?? NaN),
      firstAfterLogin: login1,
      firstOverWarm: login1 ? login1.firstMs / login1.warmMs : NaN,
      firstOverWarmAfterLogin: login1 ? login1.firstMs / login1.warmAfterLoginMs : NaN,
      pausedOverWarmPaused: login1 ? login1.pausedMs / login1.warmPausedMs : NaN,
    };
  } finally {
    await stop(backend);
  }
}

/** @param {Awaited<ReturnType<typeof scaleBench>>} r */
function printScale(r) {
  const t = r.throughput;
  const l = r.firstAfterLogin;
  const f = (/** @type {number | undefined} */ n) => (n === undefined ? 'n/a' : n.toFixed(1));
  return [
    `merged Nova listing (servers/detail, 2 providers), requests/s and p99 at the bench's connections:`,
    ...[1, 2].map(
      (w) =>
        `  --workers ${w}: ${t[w]?.rps.toFixed(0)} req/s, p99 ${t[w]?.p99.toFixed(1)} ms, errors ${t[w]?.errors}; ` +
        `cores used: proxy ${t[w]?.proxyCores.toFixed(2)}, demo backend ${t[w]?.backendCores.toFixed(2)}`,
    ),
    `  --workers 2 / --workers 1: ${r.workersRatio.toFixed(2)}`,
    `first merged listing right after login / warm one right after it: ${f(l?.firstMs)} / ${f(l?.warmMs)} ms = ${r.firstOverWarm.toFixed(2)} (target <= 1.2)`,
    `  / a warm token's listing right after another login: ${f(l?.warmAfterLoginMs)} ms = ${r.firstOverWarmAfterLogin.toFixed(2)}`,
    `  both ${PAUSE_MS} ms after the login answer: ${f(l?.pausedMs)} / ${f(l?.warmPausedMs)} ms = ${r.pausedOverWarmPaused.toFixed(2)}`,
    `  a warm-up K2K exchange took ${f(l?.exchangeMs)} ms (mean of this phase)`,
  ].join('\n');
}

module.exports = { scaleBench, printScale };
