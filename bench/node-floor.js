// @ts-check
'use strict';
// The least a Node.js passthrough can do: node:http server, undici client with a keep-alive pool (as
// src/upstream/client.ts uses), method, path, headers and body forwarded, answer streamed back. No logging, no
// token handling, no routing. bench/latency.js measures it beside nginx and the proxy so the per-core ratio the
// proxy is judged by can be read against what the runtime itself costs. Usage:
//   node bench/node-floor.js <port> <upstream base url>
const http = require('node:http');
const { Agent, request } = require('undici');

const port = Number(process.argv[2]);
const upstream = new URL(process.argv[3]);
const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 64 });
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host', 'proxy-connection', 'te']);

http
  .createServer((req, res) => {
    /** @type {Record<string, string | string[]>} */
    const headers = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP.has(k)) headers[k] = v;
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    request(new URL(req.url ?? '/', upstream), {
      method: /** @type {import('undici').Dispatcher.HttpMethod} */ (req.method),
      headers,
      body: hasBody ? req : undefined,
      dispatcher,
    }).then(
      (up) => {
        /** @type {Record<string, string | string[]>} */
        const out = {};
        for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && !HOP.has(k)) out[k] = v;
        res.writeHead(up.statusCode, out);
        up.body.pipe(res);
      },
      () => {
        res.writeHead(502).end();
      },
    );
  })
  .listen(port, '127.0.0.1');
