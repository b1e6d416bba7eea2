import { readFileSync } from 'node:fs';
import { parseInterval } from '../config/units';
import type { Config, ProviderConfig } from '../config/types';
import { parseArgs, stringOption } from './args';
import { loadConfigOrReport, type CliIo } from './io';
import { describe, fetchJson, probe, probeClient, type ProbeResult } from './probe';

export const PROVIDERS_USAGE = 'ocx-proxy providers [--config FILE] [--url http://proxy:8080] [--timeout 3s] [--json]';

/** What a running proxy says about each provider in its /readyz detail. */
interface ProxyView {
  breaker?: string;
  lastK2k?: { at: string; result: string };
}

export interface ProviderState {
  name: string;
  auth: 'home' | 'k2k' | 'static';
  url: string;
  reachable: ProbeResult;
  /** Only with --url: the running proxy's breaker for this provider and its last K2K exchange. */
  proxy?: ProxyView;
}

/**
 * `ocx-proxy providers`: the state of each configured provider. Reachability is probed from here (the same URLs
 * the proxy uses); with `--url` of a running proxy its /readyz detail adds the breaker state and the last K2K
 * exchange per provider, and its shared state. Exit 0 when every provider answers, 1 otherwise, 2 on bad usage
 * or config.
 */
export async function providersCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, ['config', 'url', 'timeout']);
  const file = stringOption(args, 'config') ?? io.env['OCX_CONFIG'];
  const timeoutMs = parseInterval(stringOption(args, 'timeout') ?? '3s');
  if (!file || timeoutMs === undefined || args.positional.length) {
    io.err(`usage: ${PROVIDERS_USAGE}\n  (the config file may also come from OCX_CONFIG)\n`);
    return 2;
  }
  const config = loadConfigOrReport(file, io);
  if (!config) return 2;
  const ca = readCa(config);
  const client = probeClient(config, timeoutMs, ca);
  try {
    const url = stringOption(args, 'url')?.replace(/\/+$/, '');
    const [states, ready] = await Promise.all([
      Promise.all(config.providers.map((p) => providerState(config, p, client, timeoutMs))),
      url ? readyz(client, url, timeoutMs) : undefined,
    ]);
    if (ready && 'detail' in ready) {
      for (const s of states) s.proxy = viewOf(ready.detail, s.name);
    }
    if (args.options.has('json')) {
      io.out(`${JSON.stringify({ providers: states, proxy: ready }, null, 2)}\n`);
    } else {
      io.out(render(states, url, ready));
    }
    const proxyDown = ready !== undefined && 'error' in ready;
    return states.every((s) => s.reachable.reachable) && !proxyDown ? 0 : 1;
  } finally {
    await client.close();
  }
}

function readCa(config: Config): string | undefined {
  try {
    return config.upstreamTls.caFile ? readFileSync(config.upstreamTls.caFile, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

async function providerState(
  config: Config,
  p: ProviderConfig,
  client: ReturnType<typeof probeClient>,
  timeoutMs: number,
): Promise<ProviderState> {
  const url = p.keystoneUrl ? `${p.keystoneUrl}/v3` : (p.objectStore?.authUrl ?? '');
  const auth = p.name === config.home ? 'home' : p.keystoneUrl ? 'k2k' : 'static';
  return { name: p.name, auth, url, reachable: await probe(client, p.name, url, timeoutMs) };
}

type Readyz = { status: number; detail: Record<string, unknown> } | { error: string };

async function readyz(client: ReturnType<typeof probeClient>, url: string, timeoutMs: number): Promise<Readyz> {
  try {
    const { status, body } = await fetchJson(client, `${url}/readyz`, timeoutMs);
    if (body === null || typeof body !== 'object')
      return { error: `${url}/readyz answered HTTP ${status} without JSON` };
    return { status, detail: body as Record<string, unknown> };
  } catch (err) {
    return { error: `${url}/readyz: ${describe(err)}` };
  }
}

function viewOf(detail: Record<string, unknown>, name: string): ProxyView {
  const providers = detail['providers'] as Record<string, { breaker?: string }> | undefined;
  const k2k = detail['k2k'] as Record<string, { at: string; result: string }> | undefined;
  return { breaker: providers?.[name]?.breaker, lastK2k: k2k?.[name] };
}

function render(states: ProviderState[], url: string | undefined, ready: Readyz | undefined): string {
  const rows = [['PROVIDER', 'AUTH', 'REACHABLE', ...(ready ? ['BREAKER', 'LAST K2K'] : []), 'URL']];
  for (const s of states) {
    const reach = s.reachable.reachable ? `yes (${s.reachable.ms} ms)` : `NO: ${s.reachable.error ?? 'unreachable'}`;
    const k2k = s.proxy?.lastK2k
      ? `${s.proxy.lastK2k.at} ${s.proxy.lastK2k.result}`
      : s.auth === 'k2k'
        ? 'none yet'
        : '-';
    rows.push([s.name, s.auth, reach, ...(ready ? [s.proxy?.breaker ?? '?', k2k] : []), s.url]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const lines = rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  if (ready && 'error' in ready) lines.push(`proxy ${url}: ${ready.error}`);
  if (ready && 'detail' in ready) {
    const shared = ready.detail['shared_state'] as { backend?: string; reachable?: boolean } | undefined;
    lines.push(
      `proxy ${url}: ${String(ready.detail['status'] ?? ready.status)}` +
        (shared ? `, shared state ${shared.backend} ${shared.reachable ? 'reachable' : 'UNREACHABLE'}` : ''),
    );
  }
  return `${lines.join('\n')}\n`;
}
