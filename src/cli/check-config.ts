import { readFileSync } from 'node:fs';
import { parseInterval } from '../config/units';
import type { Config } from '../config/types';
import { pingRedis } from '../state/redis-probe';
import { parseArgs, stringOption } from './args';
import { loadConfigOrReport, type CliIo } from './io';
import { probe, probeClient, type ProbeResult } from './probe';
import { probeTargets } from './probe-targets';

export const CHECK_CONFIG_USAGE = 'ocx-proxy check-config FILE [--offline] [--timeout 3s] [--json]';

interface Check {
  provider?: string;
  what: string;
  target: string;
  result: ProbeResult;
}

/**
 * `ocx-proxy check-config FILE`: validate the file as the server would (same loader, same messages), list the
 * providers it resolves to, then try every Keystone, object-store and endpoint URL and the Redis of the shared
 * state, each with a short timeout. Exit 0 when valid and everything answers, 1 when something does not answer,
 * 2 when the file is invalid (as the server's own exit status).
 */
export async function checkConfig(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, ['timeout']);
  const file = args.positional[0];
  if (!file || args.positional.length > 1) {
    io.err(`usage: ${CHECK_CONFIG_USAGE}\n`);
    return 2;
  }
  const timeoutMs = parseInterval(stringOption(args, 'timeout') ?? '3s');
  if (timeoutMs === undefined) {
    io.err(`--timeout: must be an interval like 3s (got "${stringOption(args, 'timeout')}")\n`);
    return 2;
  }
  const config = loadConfigOrReport(file, io);
  if (!config) return 2;
  const files = fileProblems(config);
  const checks = args.options.has('offline') ? [] : await reachability(config, timeoutMs);
  const unreachable = checks.filter((c) => !c.result.reachable);
  if (args.options.has('json')) {
    io.out(
      `${JSON.stringify({ file, valid: files.length === 0, problems: files, summary: summary(config), checks }, null, 2)}\n`,
    );
  } else {
    io.out(render(file, config, files, checks));
  }
  if (files.length) return 2;
  return unreachable.length ? 1 : 0;
}

/** Files the server reads at start-up besides the config (the loader already checked the catalog template). */
function fileProblems(config: Config): string[] {
  const files: Array<[string, string | undefined]> = [
    ['tls.cert', config.tls?.cert],
    ['tls.key', config.tls?.key],
    ['upstream_tls.ca_file', config.upstreamTls.caFile],
  ];
  const problems: string[] = [];
  for (const [key, path] of files) {
    if (!path) continue;
    try {
      readFileSync(path);
    } catch (err) {
      problems.push(`${key}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  return problems;
}

async function reachability(config: Config, timeoutMs: number): Promise<Check[]> {
  let ca: string | undefined;
  try {
    ca = config.upstreamTls.caFile ? readFileSync(config.upstreamTls.caFile, 'utf8') : undefined;
  } catch {
    ca = undefined; // reported by fileProblems
  }
  const client = probeClient(config, timeoutMs, ca);
  try {
    const http = probeTargets(config).map(async (t): Promise<Check> => ({
      provider: t.provider,
      what: t.what,
      target: t.url,
      result: await probe(client, t.provider, t.url, timeoutMs),
    }));
    const state = config.state;
    const redis =
      state.backend === 'redis'
        ? [
            pingRedis(state.redisUrl, timeoutMs, state.sentinel).then((result): Check => ({
              what: 'shared state',
              target: state.sentinel
                ? `sentinel ${state.sentinel.name} at ${state.sentinel.nodes.map((n) => `${n.host}:${n.port}`).join(',')}`
                : redactUrl(state.redisUrl),
              result,
            })),
          ]
        : [];
    return await Promise.all([...http, ...redis]);
  } finally {
    await client.close();
  }
}

function summary(config: Config): Record<string, unknown> {
  return {
    listen: `${config.listen.host}:${config.listen.port}`,
    public_url: config.publicUrl,
    home: config.home,
    providers: config.providers.map((p) => ({
      name: p.name,
      priority: p.priority,
      auth: p.name === config.home ? 'home' : p.keystoneUrl ? 'k2k' : 'static',
    })),
    state: config.state.backend,
  };
}

function render(file: string, config: Config, files: string[], checks: Check[]): string {
  const lines = [`${file}: configuration is valid`];
  lines.push(
    `  listen ${config.listen.host}:${config.listen.port}, public_url ${config.publicUrl}, home ${config.home}`,
  );
  lines.push(`  shared state: ${config.state.backend}`);
  for (const p of config.providers) {
    const auth =
      p.name === config.home ? 'home (login)' : p.keystoneUrl ? `k2k (sp_id ${p.spId})` : 'static credentials';
    lines.push(`  provider ${p.name}: priority ${p.priority}, ${auth}`);
  }
  for (const problem of files) lines.push(`  FAIL  ${problem}`);
  if (checks.length) lines.push('reachability:');
  const who = checks.map((c) => (c.provider ? `${c.provider} ${c.what}` : c.what));
  const whoWidth = Math.max(0, ...who.map((w) => w.length));
  const targetWidth = Math.max(0, ...checks.map((c) => c.target.length));
  checks.forEach((c, i) => {
    const how = c.result.reachable
      ? `${c.result.status !== undefined ? `HTTP ${c.result.status}, ` : ''}${c.result.ms} ms`
      : (c.result.error ?? 'unreachable');
    const mark = c.result.reachable ? 'ok  ' : 'FAIL';
    lines.push(`  ${mark}  ${(who[i] ?? '').padEnd(whoWidth)}  ${c.target.padEnd(targetWidth)}  (${how})`);
  });
  return `${lines.join('\n')}\n`;
}

/** A Redis URL without its password, for output. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(redis url)';
  }
}
