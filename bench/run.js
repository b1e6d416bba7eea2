// @ts-check
'use strict';
// `npm run bench` (= npm run build && node bench/run.js): the proxy's cost, measured against the same backends
// reached directly and (for added latency) through nginx, in one run. Not part of `npm test`.
//
//   node bench/run.js [--only latency,swift,listing,soak,scale,profile] [--seconds 10] [--repeat 3] [--connections 32]
//                     [--no-lab] [--swift-size 1g] [--swift-target home|tempauth] [--swift-repeat 3]
//                     [--containers 10000] [--soak-seconds 600] [--soak-clients 200] [--soak-no-token-issue]
//                     [--json results.json] [--keep-logs] [--baseline DIR]
// --baseline DIR: another build's dist/ (copied inside the repository, e.g. node_modules/.cache/…, so it finds the
// packages) measured as a fourth latency target "before", for before/after figures from one run.
//
// Needs: Debian `wrk` and `nginx` (deploy/lab/install.sh installs them); the lab (deploy/lab/up.sh) for the lab
// Keystone latency row and the Swift streaming bench. docs/performance.md has the numbers and how to read them.
// `profile` (not run unless named) writes `node --cpu-prof` profiles of the hot paths and prints their summaries.
// After the benches, a summary repeats the figures the scale-out targets are judged by (per-core ratios to nginx,
// --workers 2 / 1, first listing after login / warm, p99 at --connections).
const { rmSync, writeFileSync } = require('node:fs');
const { scratchDirs } = require('./lib/procs');
const { latencyBench, printLatency } = require('./latency');
const { swiftStreamBench, printSwiftStream } = require('./swift-stream');
const { mergedListingBench, printMergedListing } = require('./merged-listing');
const { soakBench, printSoak } = require('./soak');
const { scaleBench, printScale } = require('./scale');
const { profileBench, printProfile } = require('./profile');

function parseArgs(argv) {
  const opts = {
    only: ['latency', 'swift', 'listing', 'soak', 'scale'],
    seconds: 10,
    repeat: 3,
    connections: 32,
    labConnections: 4,
    lab: true,
    swiftSize: '1g',
    swiftTarget: 'home',
    swiftRepeat: 3,
    containers: 10_000,
    soakSeconds: 600,
    soakClients: 200,
    json: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--only') opts.only = next().split(',');
    else if (a === '--seconds') opts.seconds = Number(next());
    else if (a === '--repeat') opts.repeat = Number(next());
    else if (a === '--connections') opts.connections = Number(next());
    else if (a === '--lab-connections') opts.labConnections = Number(next());
    else if (a === '--no-lab') opts.lab = false;
    else if (a === '--swift-size') opts.swiftSize = next();
    else if (a === '--swift-target') opts.swiftTarget = next();
    else if (a === '--swift-repeat') opts.swiftRepeat = Number(next());
    else if (a === '--containers') opts.containers = Number(next());
    else if (a === '--soak-seconds') opts.soakSeconds = Number(next());
    else if (a === '--soak-clients') opts.soakClients = Number(next());
    else if (a === '--soak-no-token-issue') opts.soakTokenIssue = false;
    else if (a === '--json') opts.json = next();
    else if (a === '--keep-logs') opts.keepLogs = true;
    else if (a === '--baseline') opts.baseline = next();
    else throw new Error(`unknown flag ${a} (see the header of bench/run.js)`);
  }
  return opts;
}

const BENCHES = {
  latency: [latencyBench, printLatency, 'Added latency and requests/s (wrk; proxy vs nginx vs direct)'],
  swift: [swiftStreamBench, printSwiftStream, 'Swift streaming through the proxy vs directly (real lab Swift)'],
  listing: [mergedListingBench, printMergedListing, 'Merged Swift account listing, 2 providers vs 1'],
  soak: [soakBench, printSoak, 'Soak: concurrent mixed clients'],
  scale: [scaleBench, printScale, 'Scale out: --workers 2 vs 1 on a merged Nova listing; first listing after login'],
  profile: [profileBench, printProfile, 'CPU profiles (node --cpu-prof) of the hot paths, demo backend'],
};

/** The figures the scale-out targets are judged by, from whichever benches ran. */
function summary(results) {
  const f = (n, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
  const lines = [];
  const lat = results.latency;
  const pass = lat?.['GET /identity/v3/auth/projects'];
  const list = lat?.['GET /compute/v2.1/servers'];
  const row = (s, t) => s?.rows?.find((r) => r.target === t);
  if (pass && list) {
    lines.push(
      `requests/s per core, proxy / nginx: Keystone passthrough ${f(pass.ratios.perCoreProxyVsNginx)} (target >= 0.6), ` +
        `merged Nova listing (1 provider) ${f(list.ratios.perCoreProxyVsNginx)}; ` +
        `a bare Node passthrough (bench/node-floor.js) / nginx: ${f(pass.ratios.perCoreFloorVsNginx)}`,
      `p99 at ${results.opts.connections} connections, proxy (nginx): passthrough ${f(row(pass, 'proxy')?.p99Loaded, 1)} ms ` +
        `(${f(row(pass, 'nginx')?.p99Loaded, 1)}), merged listing ${f(row(list, 'proxy')?.p99Loaded, 1)} ms ` +
        `(${f(row(list, 'nginx')?.p99Loaded, 1)})`,
    );
  }
  const scale = results.scale;
  if (scale) {
    lines.push(
      `--workers 2 / --workers 1 (merged Nova listing, 2 providers): ${f(scale.workersRatio)}; ` +
        `p99 at ${results.opts.connections} connections ${f(scale.throughput[1]?.p99, 1)} / ${f(scale.throughput[2]?.p99, 1)} ms`,
      `first merged listing after login / warm one: ${f(scale.firstOverWarm)} (target <= 1.2); ` +
        `/ a warm token's right after a login ${f(scale.firstOverWarmAfterLogin)}; both 20 ms later ${f(scale.pausedOverWarmPaused)}`,
    );
  }
  return lines.join('\n');
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const results = { machine: machine(), startedAt: new Date().toISOString(), opts };
  for (const name of opts.only) {
    const bench = BENCHES[name];
    if (!bench) throw new Error(`unknown bench ${name} (known: ${Object.keys(BENCHES).join(', ')})`);
    const [run, print, title] = bench;
    process.stdout.write(`\n=== ${title} ===\n`);
    const started = Date.now();
    results[name] = await run(opts, (line) => process.stdout.write(`${line}\n`));
    process.stdout.write(`${print(results[name])}\n(${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
  }
  const sum = summary(results);
  if (sum) process.stdout.write(`\n=== Summary ===\n${sum}\n`);
  if (opts.json) writeFileSync(opts.json, JSON.stringify(results, null, 2));
  // Child logs (nginx's access log alone reaches hundreds of MB) are kept only when asked, or on failure.
  if (opts.keepLogs) process.stdout.write(`logs and generated configs: ${scratchDirs.join(' ')}\n`);
  else for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
}

function machine() {
  const os = require('node:os');
  return { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memGiB: os.totalmem() / 2 ** 30, node: process.version };
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err.stack ?? err}\nlogs and generated configs: ${scratchDirs.join(' ')}\n`);
  process.exit(1);
});
