// @ts-check
'use strict';
// Merged Swift account listing (bench for docs/performance.md): the demo cloud's Swift with N containers at each of 2 providers,
// listed through a proxy that federates both, against a proxy configured with one provider alone and against
// that provider's Swift directly. Each listing is paged as swiftclient pages (format=json, limit=10000, marker =
// last name until a short page). Medians of `repeat` runs; ratios printed.
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { demoLogin } = require('./lib/demo-login');
const { freePort, scratchDir, start, startProxy, stop, waitForFile } = require('./lib/procs');

const PAGE = 10_000;

const login = demoLogin;

/** Lists a whole account page by page; returns {seconds, rows, pages, firstPageSeconds}. */
async function listAll(accountUrl, token) {
  const started = process.hrtime.bigint();
  let marker = '';
  let rows = 0;
  let pages = 0;
  let firstPageSeconds = 0;
  for (;;) {
    const q = `format=json&limit=${PAGE}${marker ? `&marker=${encodeURIComponent(marker)}` : ''}`;
    const res = await fetch(`${accountUrl}?${q}`, { headers: { 'x-auth-token': token } });
    if (res.status !== 200 && res.status !== 204) throw new Error(`${accountUrl}: HTTP ${res.status}`);
    const page = res.status === 204 ? [] : await res.json();
    pages++;
    if (pages === 1) firstPageSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    rows += page.length;
    if (page.length < PAGE) break;
    marker = page[page.length - 1].name;
  }
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, rows, pages, firstPageSeconds };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * @param {any} opts
 * @param {(line: string) => void} [log]
 */
async function mergedListingBench(opts, log = () => {}) {
  const n = opts.containers ?? 10_000;
  const repeat = opts.listingRepeat ?? 5;
  const dir = scratchDir('listing');
  const out = path.join(dir, 'demo.json');
  const children = [];
  try {
    const backend = start(
      'demo-backend',
      process.execPath,
      [path.join(__dirname, 'demo-backend.js'), out, '--containers', String(n)],
      { dir },
    );
    children.push(backend);
    await waitForFile(out, 60_000, backend);
    const { config, bases } = JSON.parse(readFileSync(out, 'utf8'));
    const [twoPort, onePort] = [await freePort(), await freePort()];
    const withPort = (port, providers) => ({
      ...config,
      listen: { host: '127.0.0.1', port },
      public_url: `http://127.0.0.1:${port}`,
      providers,
      log: { level: 'info' },
    });
    children.push(await startProxy(withPort(twoPort, config.providers), { dir, label: 'proxy-2-providers' }));
    children.push(
      await startProxy(withPort(onePort, { home: config.providers.home }), { dir, label: 'proxy-1-provider' }),
    );
    const two = await login(`http://127.0.0.1:${twoPort}`);
    const one = await login(`http://127.0.0.1:${onePort}`);
    const targets = [
      {
        name: 'direct (home Swift, 1 provider)',
        url: `${bases.home}/object-store/v1/AUTH_${one.projectId}`,
        token: one.token,
      },
      {
        name: 'proxy, 1 provider',
        url: `http://127.0.0.1:${onePort}/object-store/v1/AUTH_${one.projectId}`,
        token: one.token,
      },
      {
        name: 'proxy, 2 providers merged',
        url: `http://127.0.0.1:${twoPort}/object-store/v1/AUTH_${two.projectId}`,
        token: two.token,
      },
    ];
    // Warm-up: K2K sessions, container caches, JIT.
    for (const t of targets) await listAll(t.url, t.token);
    /** @type {Record<string, Array<{ seconds: number, rows: number, pages: number, firstPageSeconds: number }>>} */
    const runs = Object.fromEntries(targets.map((t) => [t.name, []]));
    for (let i = 0; i < repeat; i++) for (const t of targets) runs[t.name].push(await listAll(t.url, t.token));
    const rows = targets.map((t) => {
      const r = runs[t.name];
      return {
        target: t.name,
        rows: r[0].rows,
        pages: r[0].pages,
        seconds: median(r.map((x) => x.seconds)),
        firstPageSeconds: median(r.map((x) => x.firstPageSeconds)),
      };
    });
    for (const r of rows)
      log(
        `  ${r.target}: ${r.rows} rows in ${r.pages} pages, ${r.seconds.toFixed(3)} s (first page ${r.firstPageSeconds.toFixed(3)} s)`,
      );
    const [direct, single, merged] = rows;
    return {
      containersPerProvider: n,
      repeat,
      rows,
      mergedVsSingle: merged.seconds / single.seconds,
      mergedVsDirect: merged.seconds / direct.seconds,
      firstPageMergedVsSingle: merged.firstPageSeconds / single.firstPageSeconds,
      perRowMergedVsSingle: merged.seconds / merged.rows / (single.seconds / single.rows),
    };
  } finally {
    for (const c of children.reverse()) await stop(c);
  }
}

function printMergedListing(r) {
  const lines = [`${r.containersPerProvider} containers per provider, median of ${r.repeat}:`];
  for (const row of r.rows) {
    lines.push(
      `  ${row.target.padEnd(32)} ${String(row.rows).padStart(6)} rows ${row.pages} pages  ${row.seconds.toFixed(3)} s  first page ${row.firstPageSeconds.toFixed(3)} s`,
    );
  }
  lines.push(
    `  merged (2×) / one provider through the proxy: whole listing ${r.mergedVsSingle.toFixed(2)}×, ` +
      `first page (same ${PAGE} rows) ${r.firstPageMergedVsSingle.toFixed(2)}×, per row ${r.perRowMergedVsSingle.toFixed(2)}×; ` +
      `merged / direct ${r.mergedVsDirect.toFixed(2)}×`,
  );
  return lines.join('\n');
}

module.exports = { mergedListingBench, printMergedListing };
