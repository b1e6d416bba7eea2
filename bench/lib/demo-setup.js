// @ts-check
'use strict';
// The set-up the demo-cloud benches share: the demo backend in its own process, and proxies in front of it on
// free local ports.
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { freePort, start, startProxy, stop, waitForFile } = require('./procs');

/**
 * Starts bench/demo-backend.js in `dir` and waits until it has written `<dir>/demo.json`: the child (stop it when
 * done) and the proxy config it wrote. A backend that does not come up is stopped before the error is thrown, so
 * the caller only has to stop what it was given.
 * @param {string} dir
 */
async function startDemoBackend(dir) {
  const out = path.join(dir, 'demo.json');
  const backend = start('demo', process.execPath, [path.join(__dirname, '..', 'demo-backend.js'), out], { dir });
  try {
    await waitForFile(out, 30_000, backend);
  } catch (err) {
    await stop(backend);
    throw err;
  }
  const { config } = JSON.parse(readFileSync(out, 'utf8'));
  return { backend, config };
}

/**
 * A proxy on a free local port in front of `config` (the demo backend's), its public URL that port's, logging at
 * `level`: the child and its base URL.
 * @param {Record<string, unknown>} config
 * @param {string} level
 * @param {Parameters<typeof startProxy>[1]} opts
 */
async function startProxyOnFreePort(config, level, opts) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const listen = { host: '127.0.0.1', port };
  const proxy = await startProxy({ ...config, listen, public_url: base, log: { level } }, opts);
  return { proxy, base };
}

module.exports = { startDemoBackend, startProxyOnFreePort };
