// @ts-check
'use strict';
// Soak: `--soak-clients` concurrent clients (default 200) for `--soak-seconds` (default 600) against
// the proxy (child process, `node dist/main.js`) in front of the demo cloud (another child process, two
// providers, K2K between them). Each client loops over a weighted mix: merged listings (servers, volumes, images,
// Swift account and container), Swift object GET and PUT, K2K-targeted identity calls and token issue (a client
// that issued a token uses it from then on: a new home token means new K2K exchanges). Reports errors per
// operation, latency percentiles, throughput, and the proxy's RSS every 5 s; RSS growth is measured from the end
// of warm-up (the first 25% of the run, at most 60 s) to the end.
const path = require('node:path');
const { readFileSync } = require('node:fs');
const { Agent, fetch } = require('undici');
const { freePort, memoryOf, scratchDir, start, startProxy, stop, waitForFile } = require('./lib/procs');

const USERS = [
  ['demo', 'demo-secret'],
  ['demo2', 'demo2-secret'],
];
const OBJECTS = 100;
const OBJECT_BYTES = 16 * 1024;

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * @param {any} opts
 * @param {(line: string) => void} [log]
 */
async function soakBench(opts, log = () => {}) {
  const seconds = opts.soakSeconds ?? 600;
  const clients = opts.soakClients ?? 200;
  const dir = scratchDir('soak');
  const out = path.join(dir, 'demo.json');
  const children = [];
  const dispatcher = new Agent({ connections: clients + 16, keepAliveTimeout: 30_000 });
  try {
    const backend = start(
      'demo-backend',
      process.execPath,
      [path.join(__dirname, 'demo-backend.js'), out, '--containers', '200'],
      { dir },
    );
    children.push(backend);
    await waitForFile(out, 60_000, backend);
    const { config } = JSON.parse(readFileSync(out, 'utf8'));
    const port = await freePort();
    const proxy = await startProxy(
      {
        ...config,
        listen: { host: '127.0.0.1', port },
        public_url: `http://127.0.0.1:${port}`,
        log: { level: 'info' },
      },
      { dir },
    );
    children.push(proxy);
    const base = `http://127.0.0.1:${port}`;

    /**
     * @param {string} method
     * @param {string} p
     * @param {{ token?: string, headers?: Record<string, string>, body?: string | Buffer }} [o]
     */
    const call = async (method, p, { token, headers = {}, body } = {}) => {
      const res = await fetch(`${base}${p}`, {
        method,
        headers: { ...(token ? { 'x-auth-token': token } : {}), ...headers },
        body,
        dispatcher,
      });
      await res.arrayBuffer();
      return res;
    };
    /** @param {readonly string[]} credentials @returns {Promise<string>} */
    const login = async ([user, password]) => {
      const res = await call('POST', '/identity/v3/auth/tokens', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          auth: {
            identity: {
              methods: ['password'],
              password: { user: { name: user, domain: { name: 'Default' }, password } },
            },
            scope: { project: { name: 'demo', domain: { name: 'Default' } } },
          },
        }),
      });
      if (res.status !== 201) throw new Error(`login ${user}: HTTP ${res.status}`);
      return res.headers.get('x-subject-token') ?? '';
    };

    // Fixture: a container at bu-keystone with OBJECTS objects, and the home project id.
    const first = await login(USERS[0]);
    const me = await fetch(`${base}/identity/v3/auth/tokens`, {
      headers: { 'x-auth-token': first, 'x-subject-token': first },
      dispatcher,
    });
    const project = /** @type {any} */ (await me.json()).token.project.id;
    const account = `/object-store/v1/AUTH_${project}`;
    const payload = Buffer.alloc(OBJECT_BYTES, 0x61);
    if ((await call('PUT', `${account}/soak@bu-keystone`, { token: first })).status >= 300)
      throw new Error('cannot create the soak container');
    for (let i = 0; i < OBJECTS; i++) await call('PUT', `${account}/soak/obj-${i}`, { token: first, body: payload });

    /** @type {Array<[string, number, ((t: string, r: number) => Promise<{ status: number }>) | null]>} */
    const OPS = [
      ['list servers', 10, (t) => call('GET', '/compute/v2.1/servers/detail', { token: t })],
      ['list volumes', 10, (t) => call('GET', `/volume/v3/${project}/volumes/detail`, { token: t })],
      ['list images', 10, (t) => call('GET', '/image/v2/images', { token: t })],
      ['list account', 10, (t) => call('GET', `${account}?format=json&limit=100`, { token: t })],
      ['list container', 5, (t) => call('GET', `${account}/photos?format=json`, { token: t })],
      ['object GET', 20, (t, r) => call('GET', `${account}/soak/obj-${Math.floor(r * OBJECTS)}`, { token: t })],
      [
        'object PUT',
        15,
        (t, r) => call('PUT', `${account}/soak/obj-${Math.floor(r * OBJECTS)}`, { token: t, body: payload }),
      ],
      [
        'K2K identity',
        15,
        (t) => call('GET', '/identity/v3/auth/projects', { token: t, headers: { 'x-ocx-provider': 'bu-keystone' } }),
      ],
      ['token issue', opts.soakTokenIssue === false ? 0 : 5, null],
    ];
    const totalWeight = OPS.reduce((a, [, w]) => a + w, 0);
    const pick = (/** @type {number} */ r) => {
      let x = r * totalWeight;
      for (const op of OPS) if ((x -= op[1]) < 0) return op;
      return OPS[0];
    };
    /** @type {Record<string, { ok: number, errors: Record<string, number>, ms: number[] }>} */
    const stats = Object.fromEntries(OPS.map(([name]) => [name, { ok: 0, errors: {}, ms: [] }]));

    const started = Date.now();
    const deadline = started + seconds * 1000;
    const warmupEnd = started + Math.min(60_000, seconds * 250);
    const rss = [];
    let warmRss;
    /** The proxy's own view of its JS heap (prom-client default metrics): tells cache growth from GC slack. */
    const heapUsedMiB = async () => {
      try {
        const text = await (await fetch(`${base}/metrics`, { dispatcher })).text();
        return Number(/^ocx_nodejs_heap_size_used_bytes (\d+)/m.exec(text)?.[1] ?? NaN) / 2 ** 20;
      } catch {
        return NaN;
      }
    };
    const sampler = setInterval(async () => {
      const m = memoryOf(proxy.pid);
      if (!m) return;
      const t = Math.round((Date.now() - started) / 1000);
      const sample = { t, rssMiB: m.rssMiB, heapUsedMiB: NaN };
      rss.push(sample);
      sample.heapUsedMiB = await heapUsedMiB();
      if (warmRss === undefined && Date.now() >= warmupEnd) warmRss = m.rssMiB;
      if (t % 30 < 5) {
        const done = Object.values(stats).reduce(
          (a, s) => a + s.ok + Object.values(s.errors).reduce((x, y) => x + y, 0),
          0,
        );
        const errs = Object.values(stats).reduce((a, s) => a + Object.values(s.errors).reduce((x, y) => x + y, 0), 0);
        log(
          `  t=${t}s requests=${done} errors=${errs} proxy RSS ${m.rssMiB.toFixed(1)} MiB heap used ${sample.heapUsedMiB.toFixed(1)} MiB`,
        );
      }
    }, 5000);

    const client = async (i) => {
      let token = await login(USERS[i % USERS.length]);
      while (Date.now() < deadline) {
        const [name, , run] = pick(Math.random());
        const s = stats[name];
        const t0 = performance.now();
        try {
          if (run === null) {
            token = await login(USERS[Math.floor(Math.random() * USERS.length)]);
            s.ok++;
          } else {
            const res = await run(token, Math.random());
            if (res.status >= 400) s.errors[res.status] = (s.errors[res.status] ?? 0) + 1;
            else s.ok++;
          }
        } catch (err) {
          const e = /** @type {any} */ (err);
          const key = e.cause?.code ?? e.code ?? e.message;
          s.errors[key] = (s.errors[key] ?? 0) + 1;
        }
        s.ms.push(performance.now() - t0);
      }
    };
    await Promise.all(Array.from({ length: clients }, (_, i) => client(i)));
    clearInterval(sampler);
    const elapsed = (Date.now() - started) / 1000;
    const endRss = memoryOf(proxy.pid)?.rssMiB ?? NaN;
    const ops = Object.entries(stats).map(([name, s]) => {
      const sorted = Float64Array.from(s.ms).sort();
      const errors = Object.values(s.errors).reduce((a, b) => a + b, 0);
      return {
        op: name,
        requests: s.ok + errors,
        errors,
        errorsBy: s.errors,
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
      };
    });
    const requests = ops.reduce((a, o) => a + o.requests, 0);
    const errors = ops.reduce((a, o) => a + o.errors, 0);
    const warm = warmRss ?? rss[0]?.rssMiB ?? NaN;
    return {
      seconds: elapsed,
      clients,
      requests,
      errors,
      rps: requests / elapsed,
      ops,
      rss,
      warmRssMiB: warm,
      endRssMiB: endRss,
      maxRssMiB: Math.max(...rss.map((r) => r.rssMiB)),
      peakMiB: memoryOf(proxy.pid)?.peakMiB ?? NaN,
      rssGrowthAfterWarmup: (endRss - warm) / warm,
    };
  } finally {
    await dispatcher.close().catch(() => {});
    for (const c of children.reverse()) await stop(c);
  }
}

function printSoak(r) {
  const f = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
  const lines = [
    `${r.clients} clients for ${f(r.seconds, 0)} s: ${r.requests} requests (${f(r.rps, 0)}/s), ${r.errors} errors`,
    '  operation        requests  errors   p50 ms   p99 ms',
  ];
  for (const o of r.ops) {
    const by = Object.keys(o.errorsBy).length ? ` ${JSON.stringify(o.errorsBy)}` : '';
    lines.push(
      `  ${o.op.padEnd(15)} ${String(o.requests).padStart(9)} ${String(o.errors).padStart(7)} ${f(o.p50).padStart(8)} ${f(o.p99).padStart(8)}${by}`,
    );
  }
  const every = Math.max(1, Math.floor(r.rss.length / 12));
  lines.push(
    `  proxy RSS (MiB) over time: ${r.rss
      .filter((_, i) => i % every === 0)
      .map((x) => `${x.t}s:${f(x.rssMiB, 0)}`)
      .join(' ')}`,
  );
  lines.push(
    `  RSS after warm-up ${f(r.warmRssMiB)} MiB, at the end ${f(r.endRssMiB)} MiB (growth ${f(r.rssGrowthAfterWarmup * 100)}%), max ${f(r.maxRssMiB)} MiB, peak ${f(r.peakMiB)} MiB`,
  );
  return lines.join('\n');
}

module.exports = { soakBench, printSoak };
