import type { Config } from '../config/types';
import type { UpstreamClient } from './client';

export interface Readiness {
  ready: boolean;
  detail: Record<string, unknown>;
}

/**
 * Ready when the home Keystone answers; other providers never make the proxy unready (one provider failing never
 * takes the others down), but their breaker state is reported so operators see which ones are being skipped.
 */
export function readinessCheck(config: Config, upstream: UpstreamClient): () => Promise<Readiness> {
  const home = config.providers.find((p) => p.name === config.home);
  return async () => {
    const providers = Object.fromEntries(
      config.providers.map((p) => [p.name, { breaker: upstream.breaker(p.name).state }]),
    );
    try {
      const res = await upstream.send({
        provider: config.home,
        service: 'identity',
        method: 'GET',
        url: `${home?.keystoneUrl ?? ''}/v3`,
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(Math.min(config.timeouts.responseMs, 5_000)),
      });
      res.body.resume();
      const ok = res.status < 500;
      return { ready: ok, detail: { home: { name: config.home, reachable: ok, status: res.status }, providers } };
    } catch (err) {
      return {
        ready: false,
        detail: { home: { name: config.home, reachable: false, error: (err as Error).message }, providers },
      };
    }
  };
}
