// @ts-check
'use strict';
// CPU profiles of the proxy's hot paths (`--only profile`; docs/performance.md has the summaries): one proxy
// process per path, started with `node --cpu-prof`, in front of the demo cloud (bench/demo-backend.js, own process,
// 2 providers), loaded with wrk for `--seconds`; the profile is written when the proxy exits on SIGTERM. Each path's
// summary is its top functions by self time and the share of each part of the stack (the proxy's own code,
// express and router, undici, pino, Node internals, GC, idle). `--keep-logs` keeps the .cpuprofile files (open them
// in Chrome DevTools or speedscope for a flame graph).
const { readFileSync, readdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { demoLogin } = require('./lib/demo-login');
const { startDemoBackend, startProxyOnFreePort } = require('./lib/demo-setup');
const { scratchDir, stop, waitForFile } = require('./lib/procs');
const { wrk } = require('./lib/wrk');

const login = demoLogin;

/**
 * @param {string} url
 * @param {string} token
 * @param {string} method
 * @param {string} [body]
 */
async function call(url, token, method = 'GET', body) {
  const res = await fetch(url, { method, headers: { 'x-auth-token': token }, body });
  await res.arrayBuffer();
  if (res.status >= 300) throw new Error(`${method} ${url}: HTTP ${res.status}`);
}

/** Where a profiled function comes from, for the per-part shares. @param {string} name @param {string} url */
function partOf(name, url) {
  if (name === '(garbage collector)') return 'GC';
  if (name === '(idle)') return 'idle';
  if (name === '(program)' || name === '(root)') return 'native (program)';
  if (/node_modules\/(express|router|path-to-regexp|body-parser|finalhandler|send|qs|on-finished)\//.test(url))
    return 'express + router';
  if (/node_modules\/undici\//.test(url)) return 'undici';
  if (/node_modules\/(pino|sonic-boom|thread-stream)/.test(url)) return 'pino';
  if (/node_modules\/prom-client\//.test(url)) return 'prom-client';
  if (/node_modules\//.test(url)) return 'other packages';
  if (/\/dist\//.test(url)) return 'proxy (dist/)';
  if (url.startsWith('node:') || url === '') return 'Node internals and natives';
  return 'other';
}

/**
 * Self time per function and per part from a V8 .cpuprofile, counting only the samples taken within `window`
 * (CLOCK_MONOTONIC µs, as V8 stamps its samples and process.hrtime reads it): start-up and shutdown are left out.
 * @param {string} file
 * @param {{ from: number, to: number }} [window]
 */
function summarise(file, window) {
  /** @type {{ startTime: number, nodes: { id: number, callFrame: { functionName: string, url: string, lineNumber: number } }[], samples: number[], timeDeltas: number[] }} */
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  let at = prof.startTime;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  /** @type {Map<string, number>} */
  const fns = new Map();
  /** @type {Map<string, number>} */
  const parts = new Map();
  let total = 0;
  prof.samples.forEach((id, i) => {
    const dt = prof.timeDeltas[i] ?? 0;
    at += dt;
    if (window && (at < window.from || at > window.to)) return;
    const node = byId.get(id);
    if (!node) return;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    const where = url ? `${url.replace(/^file:\/\/.*?\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}` : '';
    const key = where ? `${name} ${where}` : name;
    fns.set(key, (fns.get(key) ?? 0) + dt);
    const part = partOf(name, url);
    parts.set(part, (parts.get(part) ?? 0) + dt);
    total += dt;
  });
  const top = [...fns].sort((a, b) => b[1] - a[1]);
  const share = (/** @type {number} */ us) => (100 * us) / total;
  return {
    totalMs: total / 1000,
    top: top.slice(0, 15).map(([fn, us]) => ({ fn, pct: share(us) })),
    parts: [...parts].sort((a, b) => b[1] - a[1]).map(([part, us]) => ({ part, pct: share(us) })),
  };
}

/**
 * @param {{ seconds: number, connections: number }} opts
 * @param {(line: string) => void} log
 */
async function profileBench(opts, log) {
  const dir = scratchDir('profile');
  const { backend, config } = await startDemoBackend(dir);
  try {
    /** @type {Record<string, ReturnType<typeof summarise> & { rps: number }>} */
    const results = {};
    const paths = [
      ['Keystone passthrough', 'GET /identity/v3/auth/projects'],
      ['merged Nova listing', 'GET /compute/v2.1/servers/detail'],
      ['Swift object GET', 'GET /v1/AUTH_<project>/bench/object (16 KiB)'],
    ];
    for (const [name, what] of paths) {
      const profDir = path.join(dir, name.replace(/\W+/g, '-'));
      const { proxy, base } = await startProxyOnFreePort(config, 'info', {
        dir,
        label: `proxy-${name.replace(/\W+/g, '-')}`,
        nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`],
      });
      let rps = NaN;
      const window = { from: 0, to: 0 };
      try {
        const { token, projectId } = await login(base);
        let url = `${base}${what.split(' ')[1]}`;
        if (name === 'Swift object GET') {
          url = `${base}/v1/AUTH_${projectId}/bench/object`;
          await call(`${base}/v1/AUTH_${projectId}/bench`, token, 'PUT');
          await call(url, token, 'PUT', 'x'.repeat(16 * 1024));
        }
        await call(url, token);
        const headers = { 'x-auth-token': token };
        await wrk(url, { seconds: 1, connections: opts.connections, headers });
        window.from = Number(process.hrtime.bigint() / 1000n);
        rps = (await wrk(url, { seconds: opts.seconds, connections: opts.connections, headers })).rps;
        window.to = Number(process.hrtime.bigint() / 1000n);
      } finally {
        await stop(proxy);
      }
      await waitForFile(profDir, 10_000);
      const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
      if (!file) throw new Error(`no .cpuprofile in ${profDir} (see ${proxy.logFile})`);
      results[`${name}: ${what}`] = { ...summarise(path.join(profDir, file), window), rps };
      log(`${name}: ${rps.toFixed(0)} req/s while profiled; profile ${path.join(profDir, file)}`);
    }
    writeFileSync(path.join(dir, 'summary.json'), JSON.stringify(results, null, 2));
    return results;
  } finally {
    await stop(backend);
  }
}

/** @param {Awaited<ReturnType<typeof profileBench>>} results */
function printProfile(results) {
  const lines = [];
  for (const [scenario, r] of Object.entries(results)) {
    lines.push(`\n${scenario} (${r.rps.toFixed(0)} req/s, ${(r.totalMs / 1000).toFixed(1)} s profiled)`);
    lines.push(`  by part: ${r.parts.map((p) => `${p.part} ${p.pct.toFixed(1)} %`).join(', ')}`);
    lines.push('  top self time:');
    for (const t of r.top) lines.push(`  ${t.pct.toFixed(1).padStart(6)} %  ${t.fn}`);
  }
  return lines.join('\n');
}

module.exports = { profileBench, printProfile, summarise };
