// @ts-check
'use strict';
// Added latency and requests/s of a small proxied request with warm caches: the same backend reached
// directly, through nginx proxy_pass and through the proxy, measured in one run with wrk. Two backends:
//  - `fixed`: bench/fixed-backend.js, a node:http server answering fixed Keystone/Nova JSON in microseconds, so the
//    difference is the proxy's own cost. Scenarios: GET /identity/v3/auth/projects (Keystone passthrough) and
//    GET /compute/v2.1/servers (token validation from the warm cache, a merged listing over one provider, JSON
//    parsed and links rewritten).
//  - `lab`: the lab's real home Keystone (deploy/lab, Apache + mod_wsgi), GET /identity/v3/auth/projects.
// CPU pinning on a 2-core machine: the proxy or nginx alone on CPU 0; wrk and the backend on CPU 1.
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { ROOT, cpuSecondsOf, freePort, scratchDir, start, startProxy, stop, waitForPort } = require('./lib/procs');
const { startNginx } = require('./lib/nginx');
const { wrk } = require('./lib/wrk');

// BENCH_NO_PIN=1 lets the scheduler place everything (pinning hurts when other services share the cores).
const PROXY_CPU = process.env.BENCH_NO_PIN ? undefined : 0;
const LOAD_CPU = process.env.BENCH_NO_PIN ? undefined : 1;

function baseConfig(port, homeKeystone) {
  return {
    listen: { host: '127.0.0.1', port },
    public_url: `http://127.0.0.1:${port}`,
    home: 'home',
    catalog: { template: path.join(ROOT, 'catalog-templates', 'default.yaml'), region: 'RegionOne' },
    providers: { home: { keystone_url: homeKeystone, priority: 1 } },
    log: { level: 'info' },
  };
}

async function login(url, body) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`login at ${url}: HTTP ${res.status}`);
  await res.arrayBuffer();
  return res.headers.get('x-subject-token');
}

const passwordBody = (user, password, project) => ({
  auth: {
    identity: { methods: ['password'], password: { user: { name: user, domain: { name: 'Default' }, password } } },
    scope: { project: { name: project, domain: { name: 'Default' } } },
  },
});

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Latency at 1 connection, throughput at `connections`, for each target; `repeat` rounds visit the targets in
 * turn (drift from other load on the machine hits all alike) and each figure is the median over the rounds.
 * A target with a `pid` also gets requests per CPU-second of that process tree during the throughput runs
 * (requests/s per core): on two shared cores a process that is not saturated (nginx, waiting for wrk and the
 * backend on the other core) would otherwise look slower than it is.
 */
async function measure(targets, headers, { seconds, connections, repeat = 3, loadCpu = LOAD_CPU }) {
  const runs = Object.fromEntries(targets.map((t) => [t.name, []]));
  // Warm up: connections opened, caches filled, JIT warm.
  for (const t of targets) await wrk(t.url, { seconds: 2, connections, headers, cpu: loadCpu });
  for (let round = 0; round < repeat; round++) {
    for (const t of targets) {
      const lat = await wrk(t.url, { seconds, connections: 1, headers, cpu: loadCpu });
      const cpuBefore = cpuSecondsOf(t.pid);
      const thr = await wrk(t.url, { seconds, connections, headers, cpu: loadCpu });
      const cpu = cpuSecondsOf(t.pid) - cpuBefore;
      runs[t.name].push({ lat, thr, perCore: t.pid && cpu > 0 ? thr.requests / cpu : NaN, cores: cpu / seconds });
    }
  }
  return targets.map((t) => {
    const r = runs[t.name];
    return {
      target: t.name,
      p50: median(r.map((x) => x.lat.p50)),
      p99: median(r.map((x) => x.lat.p99)),
      rps1: median(r.map((x) => x.lat.rps)),
      rps: median(r.map((x) => x.thr.rps)),
      p99Loaded: median(r.map((x) => x.thr.p99)),
      rpsPerCore: median(r.map((x) => x.perCore)),
      cores: median(r.map((x) => x.cores)),
      errors: r.reduce((a, x) => a + x.lat.errors + x.thr.errors, 0),
      // wrk's own words for any error (non-2xx answers, socket connect/read/write/timeout errors).
      errorDetail: r
        .flatMap((x) => [x.lat.raw, x.thr.raw])
        .flatMap((raw) => raw.split('\n').filter((l) => /Non-2xx|Socket errors/.test(l)))
        .map((l) => l.trim()),
    };
  });
}

function ratios(rows) {
  const by = Object.fromEntries(rows.map((r) => [r.target, r]));
  const { direct, nginx, proxy, before, floor } = by;
  return {
    ...(floor
      ? {
          perCoreFloorVsNginx: floor.rpsPerCore / nginx.rpsPerCore,
          perCoreProxyVsFloor: proxy.rpsPerCore / floor.rpsPerCore,
        }
      : {}),
    ...(before
      ? {
          perCoreBeforeVsNginx: before.rpsPerCore / nginx.rpsPerCore,
          perCoreProxyVsBefore: proxy.rpsPerCore / before.rpsPerCore,
        }
      : {}),
    proxyAddedP50: proxy.p50 - direct.p50,
    proxyAddedP99: proxy.p99 - direct.p99,
    nginxAddedP50: nginx.p50 - direct.p50,
    nginxAddedP99: nginx.p99 - direct.p99,
    rpsProxyVsNginx: proxy.rps / nginx.rps,
    rpsProxyVsDirect: proxy.rps / direct.rps,
    perCoreProxyVsNginx: proxy.rpsPerCore / nginx.rpsPerCore,
  };
}

async function fixedBackendBench(opts) {
  const dir = scratchDir('latency');
  const [backendPort, proxyPort, nginxPort, floorPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const children = [];
  try {
    const backend = start(
      'fixed-backend',
      process.execPath,
      [path.join(__dirname, 'fixed-backend.js'), String(backendPort)],
      { dir, cpu: LOAD_CPU },
    );
    children.push(backend);
    await waitForPort(backendPort, 10_000, backend);
    const backendUrl = `http://127.0.0.1:${backendPort}`;
    const proxy = await startProxy(baseConfig(proxyPort, `${backendUrl}/identity`), { dir, cpu: PROXY_CPU });
    children.push(proxy);
    const nginx = await startNginx(dir, nginxPort, [{ prefix: '/', upstream: `${backendUrl}/` }], { cpu: PROXY_CPU });
    children.push(nginx);
    // What Node's HTTP server and undici cost with nothing else (bench/node-floor.js), same core as the proxy.
    const floor = start(
      'node-floor',
      process.execPath,
      [path.join(__dirname, 'node-floor.js'), String(floorPort), backendUrl],
      {
        dir,
        cpu: PROXY_CPU,
      },
    );
    children.push(floor);
    await waitForPort(floorPort, 10_000, floor);
    // --baseline DIR: an earlier build of the proxy measured alongside, same backend, same rounds.
    const beforePort = opts.baseline ? await freePort() : undefined;
    const before = beforePort
      ? await startProxy(baseConfig(beforePort, `${backendUrl}/identity`), {
          dir,
          cpu: PROXY_CPU,
          label: 'proxy-before',
          dist: path.resolve(opts.baseline),
        })
      : undefined;
    if (before) children.push(before);
    const token = await login(
      `http://127.0.0.1:${proxyPort}/identity/v3/auth/tokens`,
      passwordBody('bench', 'x', 'bench'),
    );
    const headers = { 'X-Auth-Token': token };
    const out = {};
    for (const [name, p] of [
      ['GET /identity/v3/auth/projects', '/identity/v3/auth/projects'],
      ['GET /compute/v2.1/servers', '/compute/v2.1/servers'],
    ]) {
      const targets = [
        { name: 'direct', url: `${backendUrl}${p}`, pid: backend.pid },
        { name: 'nginx', url: `http://127.0.0.1:${nginxPort}${p}`, pid: nginx.pid },
        { name: 'floor', url: `http://127.0.0.1:${floorPort}${p}`, pid: floor.pid },
        { name: 'proxy', url: `http://127.0.0.1:${proxyPort}${p}`, pid: proxy.pid },
        ...(before ? [{ name: 'before', url: `http://127.0.0.1:${beforePort}${p}`, pid: before.pid }] : []),
      ];
      const rows = await measure(targets, headers, opts);
      out[name] = { rows, ratios: ratios(rows) };
    }
    return out;
  } finally {
    for (const c of children.reverse()) await stop(c);
  }
}

async function labKeystoneBench(opts) {
  const labDir = process.env.OCX_LAB_DIR ?? '/var/lib/ocx-lab';
  const lab = JSON.parse(readFileSync(path.join(labDir, 'lab.json'), 'utf8'));
  const keystone = lab.home.keystone;
  const dir = scratchDir('latency-lab');
  const [proxyPort, nginxPort] = [await freePort(), await freePort()];
  const children = [];
  try {
    // Not pinned: Keystone (Apache, mod_wsgi) runs on these same two cores and pinning starves it.
    children.push(await startProxy(baseConfig(proxyPort, keystone), { dir }));
    children.push(await startNginx(dir, nginxPort, [{ prefix: '/identity/', upstream: `${keystone}/` }]));
    const user = lab.users.find((u) => u.name === 'demo');
    const token = await login(`${keystone}/v3/auth/tokens`, passwordBody(user.name, user.password, user.project));
    const targets = [
      { name: 'direct', url: `${keystone}/v3/auth/projects` },
      { name: 'nginx', url: `http://127.0.0.1:${nginxPort}/identity/v3/auth/projects` },
      { name: 'proxy', url: `http://127.0.0.1:${proxyPort}/identity/v3/auth/projects` },
    ];
    const rows = await measure(
      targets,
      { 'X-Auth-Token': token },
      { ...opts, connections: opts.labConnections, loadCpu: null },
    );
    return { 'lab Keystone GET /identity/v3/auth/projects': { rows, ratios: ratios(rows) } };
  } finally {
    for (const c of children.reverse()) await stop(c);
  }
}

async function latencyBench(opts) {
  const results = await fixedBackendBench(opts);
  if (opts.lab) {
    try {
      Object.assign(results, await labKeystoneBench(opts));
    } catch (err) {
      // The lab is optional: keep the fixed-backend figures and say why the lab row is missing.
      results['lab Keystone GET /identity/v3/auth/projects'] = {
        skipped: String(err instanceof Error ? err.message : err).split('\n')[0],
      };
    }
  }
  return results;
}

function printLatency(results) {
  const f = (n, d = 3) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
  const lines = [];
  for (const [scenario, { rows, ratios: r, skipped }] of Object.entries(results)) {
    lines.push(`\n${scenario}`);
    if (skipped) {
      lines.push(`  skipped: ${skipped}`);
      continue;
    }
    lines.push('  target   p50 ms   p99 ms   req/s @1   req/s @N   p99 ms @N   errors   cores @N   req/s/core');
    for (const row of rows) {
      if (row.errorDetail?.length) lines.push(`  (${row.target} errors: ${row.errorDetail.join('; ')})`);
      lines.push(
        `  ${row.target.padEnd(7)} ${f(row.p50).padStart(7)} ${f(row.p99).padStart(8)} ${f(row.rps1, 0).padStart(10)} ${f(row.rps, 0).padStart(10)} ${f(row.p99Loaded).padStart(11)} ${String(row.errors).padStart(8)} ${f(row.cores, 2).padStart(10)} ${f(row.rpsPerCore, 0).padStart(12)}`,
      );
    }
    lines.push(
      `  proxy adds p50 ${f(r.proxyAddedP50)} ms, p99 ${f(r.proxyAddedP99)} ms (nginx adds ${f(r.nginxAddedP50)} / ${f(r.nginxAddedP99)} ms); ` +
        `req/s proxy/nginx = ${f(r.rpsProxyVsNginx, 2)}, proxy/direct = ${f(r.rpsProxyVsDirect, 2)}; ` +
        `req/s per core proxy/nginx = ${f(r.perCoreProxyVsNginx, 2)}`,
    );
    if (r.perCoreFloorVsNginx !== undefined) {
      lines.push(
        `  bare Node passthrough (floor, bench/node-floor.js): req/s per core floor/nginx = ${f(r.perCoreFloorVsNginx, 2)}, proxy/floor = ${f(r.perCoreProxyVsFloor, 2)}`,
      );
    }
    if (r.perCoreBeforeVsNginx !== undefined) {
      lines.push(
        `  baseline build (before): req/s per core before/nginx = ${f(r.perCoreBeforeVsNginx, 2)}, proxy/before = ${f(r.perCoreProxyVsBefore, 2)}`,
      );
    }
  }
  return lines.join('\n');
}

module.exports = { latencyBench, printLatency };
