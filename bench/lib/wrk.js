// @ts-check
'use strict';
// wrk (Debian package `wrk`) as the load generator: written in C, so on a 2-core machine it takes far less CPU
// from the process under test than a Node load generator would.
const { execFile } = require('node:child_process');

function toMs(value, unit) {
  const n = Number(value);
  if (unit === 'us') return n / 1000;
  if (unit === 'ms') return n;
  if (unit === 's') return n * 1000;
  if (unit === 'm') return n * 60_000;
  throw new Error(`unknown wrk unit ${unit}`);
}

/**
 * Parses `wrk --latency` output into {rps, p50, p75, p90, p99 (ms), requests, errors}.
 * @param {string} text
 */
function parseWrk(text) {
  const pct = (p) => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(text);
    return m ? toMs(m[1], m[2]) : NaN;
  };
  const rps = Number(/^Requests\/sec:\s+([\d.]+)/m.exec(text)?.[1] ?? NaN);
  const requests = Number(/^\s+(\d+) requests in/m.exec(text)?.[1] ?? NaN);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(text)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const socketErrors = socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  return { rps, p50: pct(50), p75: pct(75), p90: pct(90), p99: pct(99), requests, errors: non2xx + socketErrors };
}

/**
 * One wrk run. `connections` 1 measures latency without queueing; more measures throughput.
 * Returns the parsed numbers plus the raw text.
 * @param {string} url
 * @param {{ seconds?: number, connections?: number, threads?: number, headers?: Record<string, string>, cpu?: number | string }} [opts]
 * @returns {Promise<ReturnType<typeof parseWrk> & { raw: string }>}
 */
function wrk(url, { seconds = 10, connections = 1, threads = 1, headers = {}, cpu } = {}) {
  const args = ['-t', String(threads), '-c', String(connections), '-d', `${seconds}s`, '--latency'];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
  args.push(url);
  const [cmd, argv] = cpu == null ? ['wrk', args] : ['taskset', ['-c', String(cpu), 'wrk', ...args]];
  return new Promise((resolve, reject) => {
    execFile(cmd, argv, { maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      // Header values (tokens) stay out of the message.
      if (err) return reject(new Error(`wrk ${url} failed (exit ${err.code}): ${stdout}${stderr}`));
      const parsed = parseWrk(stdout);
      if (!Number.isFinite(parsed.rps)) return reject(new Error(`cannot read wrk output:\n${stdout}`));
      resolve({ ...parsed, raw: stdout });
    });
  });
}

module.exports = { wrk, parseWrk };
