import type { Config } from '../config/types';
import { UpstreamClient } from '../upstream/client';

export interface ProbeResult {
  reachable: boolean;
  status?: number;
  ms: number;
  /** Why not (connection refused, timeout, TLS...). Never a credential: probes carry none. */
  error?: string;
}

/** A client for probes: the config's TLS settings, the CLI's short timeout, no metrics. */
export function probeClient(config: Config, timeoutMs: number, ca?: string): UpstreamClient {
  return new UpstreamClient({ connectMs: timeoutMs, responseMs: timeoutMs, requestMs: timeoutMs }, undefined, {
    ca,
    verify: config.upstreamTls.verify,
  });
}

/** GET `url`: reachable when the service answers below 500 within the timeout. */
export async function probe(
  client: UpstreamClient,
  provider: string,
  url: string,
  timeoutMs: number,
): Promise<ProbeResult> {
  const started = Date.now();
  try {
    const res = await client.send({
      provider,
      service: 'probe',
      method: 'GET',
      url,
      headers: { accept: 'application/json' },
      signal: backstop(timeoutMs),
    });
    res.body.resume();
    const ms = Date.now() - started;
    if (res.status >= 500) return { reachable: false, status: res.status, ms, error: `answered HTTP ${res.status}` };
    return { reachable: true, status: res.status, ms };
  } catch (err) {
    return { reachable: false, ms: Date.now() - started, error: describe(err) };
  }
}

/** Read a small JSON document (a running proxy's /readyz) whatever its status. */
export async function fetchJson(
  client: UpstreamClient,
  url: string,
  timeoutMs: number,
): Promise<{ status: number; body: unknown }> {
  const res = await client.send({
    provider: 'proxy',
    service: 'probe',
    method: 'GET',
    url,
    headers: { accept: 'application/json' },
    signal: backstop(timeoutMs),
  });
  return { status: res.status, body: await res.json(1024 * 1024) };
}

/**
 * The client's own connect/headers timeouts (set to `timeoutMs`; undici checks them on a coarse ~0.5 s tick) answer
 * first and say "did not answer in time"; this abort only bounds what they do not cover (a body that trickles).
 */
function backstop(timeoutMs: number): AbortSignal {
  return AbortSignal.timeout(2 * timeoutMs + 1_000);
}

export function describe(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: string } }).cause;
  const detail = typeof cause?.code === 'string' ? cause.code : cause?.message;
  const message = (err as Error).message ?? String(err);
  return detail ? `${message.replace(/\.$/, '')} (${detail})` : message;
}
