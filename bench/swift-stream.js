// @ts-check
'use strict';
// Swift streaming (docs/contract.md "Swift: one account over many clusters": objects stream in both directions): one large object PUT and GET
// through the proxy and directly against the same real Swift cluster of the lab, throughput of each and their
// ratio, and the proxy's memory while the bytes pass: the proxy runs as a child process (`node dist/main.js
// --config <lab config on another port>`) and its /proc/<pid>/status VmRSS is sampled every 50 ms, VmHWM read
// at the end. Targets: `home` (Keystone-backed Swift, the caller's own token) or `tempauth` (static credentials).
const http = require('node:http');
const { randomBytes } = require('node:crypto');
const { freePort, memoryOf, scratchDir, startProxy, stop } = require('./lib/procs');
const { labInfo, labProxyConfig, passwordLogin } = require('./lib/lab');

const MiB = 1024 * 1024;

function parseSize(s) {
  const m = /^(\d+(?:\.\d+)?)([kmg]?)i?b?$/i.exec(String(s).trim());
  if (!m) throw new Error(`bad size ${s} (e.g. 1g, 256m)`);
  return Math.round(Number(m[1]) * { '': 1, k: 1024, m: MiB, g: 1024 * MiB }[m[2].toLowerCase()]);
}

/** One HTTP exchange with node:http (no buffering of bodies): PUT streams `size` bytes, GET counts and drops. */
function transfer(method, url, headers, size) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.request(
      url,
      { method, headers: { ...headers, ...(method === 'PUT' ? { 'content-length': String(size) } : {}) } },
      (res) => {
        let bytes = 0;
        res.on('data', (c) => (bytes += c.length));
        res.on('end', () => {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          resolve({ status: res.statusCode, headers: res.headers, bytes, seconds });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (method !== 'PUT') return req.end();
    // 1 MiB of random bytes written again and again, with back-pressure.
    const chunk = randomBytes(MiB);
    let left = size;
    const pump = () => {
      while (left > 0) {
        const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
        left -= piece.length;
        if (!req.write(piece)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

async function simple(method, url, headers) {
  const res = await fetch(url, { method, headers });
  await res.arrayBuffer();
  return res.status;
}

/** Samples the proxy's memory while `work` runs. */
async function sampled(pid, work) {
  const samples = [];
  const timer = setInterval(() => {
    const m = memoryOf(pid);
    if (m) samples.push(m.rssMiB);
  }, 50);
  try {
    const result = await work();
    return { ...result, rssMaxMiB: Math.max(...samples, 0) };
  } finally {
    clearInterval(timer);
  }
}

/**
 * @param {any} opts
 * @param {(line: string) => void} [log]
 */
async function swiftStreamBench(opts, log = () => {}) {
  const size = parseSize(opts.swiftSize ?? '1g');
  const lab = labInfo();
  const dir = scratchDir('swift');
  const port = await freePort();
  const proxy = await startProxy(labProxyConfig(port, { log: { level: 'info' } }), { dir });
  const container = `ocx-bench-stream-${process.pid}`;
  try {
    const demo = lab.users.find((u) => u.name === 'demo');
    const viaProxy = await passwordLogin(
      `http://127.0.0.1:${port}/identity/v3`,
      demo.name,
      demo.password,
      demo.project,
    );
    const proxyAccount = `http://127.0.0.1:${port}/object-store/v1/AUTH_${viaProxy.projectId}`;
    let direct;
    let provider;
    if (opts.swiftTarget === 'tempauth') {
      const t = lab.swift['lab-tempauth'];
      const res = await fetch(t.auth_url, { headers: { 'x-auth-user': t.user, 'x-auth-key': t.key } });
      await res.arrayBuffer();
      direct = { url: res.headers.get('x-storage-url'), token: res.headers.get('x-auth-token') };
      provider = 'lab-tempauth';
    } else {
      direct = { url: `${lab.swift.home}/v1/AUTH_${viaProxy.projectId}`, token: viaProxy.token };
      provider = 'home';
    }
    const directHeaders = { 'x-auth-token': direct.token };
    const proxyHeaders = { 'x-auth-token': viaProxy.token };
    // The container exists at the target cluster only, so the proxy routes every object call there.
    const made = await simple('PUT', `${direct.url}/${container}`, directHeaders);
    if (made >= 300) throw new Error(`cannot create ${container} at ${provider}: HTTP ${made}`);
    const baseline = memoryOf(proxy.pid) ?? { rssMiB: NaN, peakMiB: NaN };
    log(
      `swift: ${(size / MiB).toFixed(0)} MiB at ${provider}; proxy pid ${proxy.pid} RSS ${baseline.rssMiB.toFixed(1)} MiB before`,
    );
    const run = async (label, method, url, headers) => {
      const r = await sampled(proxy.pid, () => transfer(method, url, headers, size));
      if (r.status >= 300) throw new Error(`${label}: HTTP ${r.status}`);
      const bytes = method === 'PUT' ? size : r.bytes;
      if (bytes !== size) throw new Error(`${label}: ${bytes} bytes instead of ${size}`);
      const out = {
        seconds: r.seconds,
        MiBps: bytes / MiB / r.seconds,
        proxyRssMaxMiB: r.rssMaxMiB,
        servedBy: r.headers['x-ocx-provider'],
      };
      log(
        `  ${label.padEnd(12)} ${out.seconds.toFixed(2)} s  ${out.MiBps.toFixed(0)} MiB/s  proxy RSS max ${out.proxyRssMaxMiB.toFixed(1)} MiB`,
      );
      return out;
    };
    // Rounds interleave direct and proxied transfers so drift (other load on the machine) hits both alike.
    /** @typedef {{ seconds: number, MiBps: number, proxyRssMaxMiB: number, servedBy: unknown }} Round */
    /** @type {{ directPut: Round[], proxyPut: Round[], directGet: Round[], proxyGet: Round[] }} */
    const rounds = { directPut: [], proxyPut: [], directGet: [], proxyGet: [] };
    for (let i = 0; i < (opts.swiftRepeat ?? 3); i++) {
      rounds.directPut.push(await run('direct PUT', 'PUT', `${direct.url}/${container}/direct`, directHeaders));
      rounds.proxyPut.push(await run('proxy PUT', 'PUT', `${proxyAccount}/${container}/proxied`, proxyHeaders));
      rounds.directGet.push(await run('direct GET', 'GET', `${direct.url}/${container}/direct`, directHeaders));
      rounds.proxyGet.push(await run('proxy GET', 'GET', `${proxyAccount}/${container}/proxied`, proxyHeaders));
    }
    const summary = (list) => ({
      MiBps: median(list.map((x) => x.MiBps)),
      proxyRssMaxMiB: Math.max(...list.map((x) => x.proxyRssMaxMiB)),
      servedBy: list[0].servedBy,
    });
    const result = {
      provider,
      sizeMiB: size / MiB,
      rounds: rounds.directPut.length,
      proxyRssBeforeMiB: baseline.rssMiB,
      directPut: summary(rounds.directPut),
      proxyPut: summary(rounds.proxyPut),
      directGet: summary(rounds.directGet),
      proxyGet: summary(rounds.proxyGet),
    };
    result.proxyPeakMiB = memoryOf(proxy.pid)?.peakMiB;
    result.putRatio = result.proxyPut.MiBps / result.directPut.MiBps;
    result.getRatio = result.proxyGet.MiBps / result.directGet.MiBps;
    return result;
  } finally {
    await cleanup(proxy, port, container).catch(() => {});
    await stop(proxy);
  }
}

/** Deletes the bench's objects and container through the proxy's own token (best effort). */
async function cleanup(proxy, port, container) {
  const lab = labInfo();
  const demo = lab.users.find((u) => u.name === 'demo');
  const s = await passwordLogin(`http://127.0.0.1:${port}/identity/v3`, demo.name, demo.password, demo.project);
  const account = `http://127.0.0.1:${port}/object-store/v1/AUTH_${s.projectId}`;
  for (const o of ['direct', 'proxied'])
    await simple('DELETE', `${account}/${container}/${o}`, { 'x-auth-token': s.token });
  await simple('DELETE', `${account}/${container}`, { 'x-auth-token': s.token });
}

function printSwiftStream(r) {
  const f = (n, d = 1) => n.toFixed(d);
  return [
    `${f(r.sizeMiB, 0)} MiB object at ${r.provider}, median of ${r.rounds} interleaved rounds:`,
    `  PUT  direct ${f(r.directPut.MiBps, 0)} MiB/s, proxy ${f(r.proxyPut.MiBps, 0)} MiB/s → ratio ${f(r.putRatio, 2)}`,
    `  GET  direct ${f(r.directGet.MiBps, 0)} MiB/s, proxy ${f(r.proxyGet.MiBps, 0)} MiB/s → ratio ${f(r.getRatio, 2)}`,
    `  proxy RSS before ${f(r.proxyRssBeforeMiB)} MiB, max sampled during PUT ${f(r.proxyPut.proxyRssMaxMiB)} / GET ${f(r.proxyGet.proxyRssMaxMiB)} MiB, peak (VmHWM) ${f(r.proxyPeakMiB)} MiB`,
  ].join('\n');
}

module.exports = { swiftStreamBench, printSwiftStream, parseSize };
