import type { Cache } from '../../state/cache';
import { K2kError, type K2kStep } from './errors';

interface Refusal {
  step: K2kStep;
  upstreamStatus?: number;
}

/**
 * K2K exchanges a provider or the home Keystone refused, remembered per (user, home project, provider) for a short
 * time: without it every request of a user with no project at some provider re-runs the whole exchange (a SAML
 * assertion signed at home, a session and a federated token at the provider). Only verdicts are remembered, never
 * transport failures or 5xx (a provider that is down is retried, with the upstream breaker limiting the cost),
 * and never a home refusal of the token itself (401), which the token validator handles.
 */
export class K2kRefusals {
  constructor(
    private readonly cache: Cache<Refusal>,
    private readonly ttlMs: number,
  ) {}

  /** The remembered refusal, as the error the exchange threw. */
  check(userId: string, homeProjectId: string, provider: string): K2kError | undefined {
    const hit = this.cache.get(key(userId, homeProjectId, provider));
    return hit && new K2kError(provider, hit.step, hit.upstreamStatus);
  }

  record(userId: string, homeProjectId: string, provider: string, err: unknown): void {
    if (!(err instanceof K2kError) || !isVerdict(err)) return;
    this.cache.set(
      key(userId, homeProjectId, provider),
      { step: err.step, upstreamStatus: err.upstreamStatus },
      this.ttlMs,
    );
  }
}

function isVerdict(err: K2kError): boolean {
  const s = err.upstreamStatus;
  if (err.step === 'ecp-assertion' && s === 401) return false;
  return s === undefined || (s >= 400 && s < 500);
}

function key(userId: string, homeProjectId: string, provider: string): string {
  return `${userId}|${homeProjectId}|${provider}`;
}
