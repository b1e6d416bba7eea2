import { toOcxError, UpstreamTimeout, type OcxError } from '../errors/errors';

/**
 * Ask several providers the same thing in parallel (never in series when the answer needs all
 * of them). Every call gets its own AbortSignal that fires when the request's signal does (client gone, request
 * deadline) or when the per-provider deadline passes; a call still running then is abandoned and reported as a
 * timeout. Results keep the order of `providers` (= configured priority), so callers can let the first win.
 */
export interface FanOutOptions {
  /** The request's signal (RequestContext.signal). */
  signal?: AbortSignal;
  /** Epoch ms by which every call must have answered (RequestContext.deadline). */
  deadline?: number;
  /** Per-provider budget in ms, capped by `deadline`. */
  timeoutMs?: number;
  now?: () => number;
}

export interface ProviderSuccess<T> {
  provider: string;
  value: T;
}

export interface ProviderFailure {
  provider: string;
  error: OcxError;
}

export interface FanOutResult<T> {
  ok: ProviderSuccess<T>[];
  failed: ProviderFailure[];
}

export type ProviderCall<T> = (provider: string, signal: AbortSignal) => Promise<T>;

export async function fanOut<T>(
  providers: readonly string[],
  call: ProviderCall<T>,
  opts: FanOutOptions = {},
): Promise<FanOutResult<T>> {
  const budget = budgetMs(opts);
  const settled = await Promise.all(providers.map((p) => runOne(p, call, opts.signal, budget)));
  const ok: ProviderSuccess<T>[] = [];
  const failed: ProviderFailure[] = [];
  for (const s of settled) {
    if ('error' in s) failed.push(s);
    else ok.push(s);
  }
  return { ok, failed };
}

function budgetMs(opts: FanOutOptions): number | undefined {
  const now = (opts.now ?? Date.now)();
  const untilDeadline = opts.deadline === undefined ? undefined : Math.max(0, opts.deadline - now);
  if (opts.timeoutMs === undefined) return untilDeadline;
  return untilDeadline === undefined ? opts.timeoutMs : Math.min(opts.timeoutMs, untilDeadline);
}

async function runOne<T>(
  provider: string,
  call: ProviderCall<T>,
  parent: AbortSignal | undefined,
  budget: number | undefined,
): Promise<ProviderSuccess<T> | ProviderFailure> {
  const controller = new AbortController();
  const onParentAbort = (): void => controller.abort(parent?.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  // The race makes a call that ignores its signal still end on time; its late answer is dropped.
  const expired = new Promise<never>((_, reject) => {
    const fail = (): void => reject(new UpstreamTimeout(provider));
    if (controller.signal.aborted) fail();
    else controller.signal.addEventListener('abort', fail, { once: true });
  });
  expired.catch(() => undefined);
  if (budget !== undefined) {
    timer = setTimeout(() => controller.abort(new UpstreamTimeout(provider)), budget);
    timer.unref();
  }
  try {
    const value = await Promise.race([call(provider, controller.signal), expired]);
    return { provider, value };
  } catch (err) {
    return { provider, error: toOcxError(err) };
  } finally {
    if (timer) clearTimeout(timer);
    // Not aborted on success: a value may still be streaming its body under this signal.
    parent?.removeEventListener('abort', onParentAbort);
  }
}

/** Providers that failed, for `X-OCX-Partial` (docs/contract.md "Merged listings"). */
export function partialHeader(failed: readonly ProviderFailure[]): string | undefined {
  return failed.length ? failed.map((f) => f.provider).join(',') : undefined;
}
