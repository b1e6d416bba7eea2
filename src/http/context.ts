import type { ErrorFlavour } from '../errors/format';

/** Per-request state, created fresh for every request and passed explicitly. */
export interface RequestContext {
  requestId: string;
  /** The client address as Express computes it with the operator's `trust_proxy` (told to providers). */
  peer?: string;
  service: ErrorFlavour;
  startedAt: number;
  /** Epoch ms by which the whole request, fan-out included, must be answered. */
  deadline: number;
  /** Aborted when the client goes away or the deadline passes; passed to every upstream call. */
  signal: AbortSignal;
  /** The provider that served a routed call (X-OCX-Provider on the response, metrics label). */
  provider?: string;
}

export function contextOf(locals: Record<string, unknown>): RequestContext {
  const ctx = locals['ctx'] as RequestContext | undefined;
  if (!ctx) throw new Error('request context missing: context middleware not installed');
  return ctx;
}
