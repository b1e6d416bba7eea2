// @ts-check
'use strict';
// The demo cloud (src/demo, built into dist/) as a benchmark backend in its own process, so the proxy under test
// does not share its event loop. Usage:
//   node bench/demo-backend.js <config-out.json> [--providers home,bu-keystone] [--containers N]
// Writes the demo's proxy config (provider URLs) to <config-out.json> once listening; with --containers, seeds N
// empty containers per provider into the `demo` project's Swift account (names interleave across providers).
const { writeFileSync } = require('node:fs');
const path = require('node:path');
const { startDemoCloud } = require(path.join(__dirname, '..', 'dist', 'demo', 'demo-cloud'));

async function main() {
  const [out, ...rest] = process.argv.slice(2);
  let providers = ['home', 'bu-keystone'];
  let containers = 0;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--providers') providers = rest[++i].split(',');
    else if (rest[i] === '--containers') containers = Number(rest[++i]);
  }
  const demo = await startDemoCloud({ providers });
  providers.forEach((name, p) => {
    const provider = demo.providers[name];
    const project = provider.projects.demo;
    for (let i = 0; i < containers; i++) {
      // bench-000000-0, bench-000000-1, ...: every provider holds its own names, interleaved in listing order.
      provider.objectStore.seed(project, `bench-${String(i).padStart(6, '0')}-${p}`, {});
    }
  });
  writeFileSync(
    out,
    JSON.stringify({
      config: demo.config,
      bases: Object.fromEntries(providers.map((n) => [n, demo.providers[n].baseUrl])),
    }),
  );
  process.stdout.write(`demo backend ready: ${providers.join(', ')}; ${containers} containers each\n`);
  process.on('SIGTERM', () => demo.stop().then(() => process.exit(0)));
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
