import type { Readable } from 'node:stream';
import { Agent, errors as undiciErrors, request, type Dispatcher } from 'undici';
import type { Config } from '../config/types';
import { OcxError, ProviderUnavailable, UpstreamTimeout } from '../errors/errors';
import type { Metrics } from '../observability/metrics';
import { Breaker } from './breaker';
import type { HeaderBag } from './headers';

export interface UpstreamRequest {
  provider: string;
  service: string;
  url: string;
  method: string;
  headers: HeaderBag;
  body?: Readable | string | Buffer;
  signal?: AbortSignal;
}

export interface UpstreamResponse {
  status: number;
  headers: HeaderBag;
  body: Readable;
  /** Reads the whole body as text; only for small JSON/XML bodies (bounded). */
  text(limitBytes?: number): Promise<string>;
  json<T = unknown>(limitBytes?: number): Promise<T>;
}

const DEFAULT_TEXT_LIMIT = 16 * 1024 * 1024;

/**
 * The only network client towards providers: one keep-alive pool per provider, timeouts,
 * a breaker per provider, and low-level failures turned into OcxErrors here and nowhere else.
 */
export class UpstreamClient {
  private readonly agents = new Map<string, Agent>();
  private readonly breakers = new Map<string, Breaker>();
  /** The value each provider's `ocx_provider_up` gauge was last set to by this client (set only on a change). */
  private readonly upValues = new Map<string, number>();

  constructor(
    private readonly timeouts: Config['timeouts'],
    private readonly metrics?: Metrics,
    private readonly tls: { ca?: string; verify: boolean } = { verify: true },
  ) {}

  breaker(provider: string): Breaker {
    let b = this.breakers.get(provider);
    if (!b) {
      b = new Breaker();
      this.breakers.set(provider, b);
    }
    return b;
  }

  private agent(provider: string): Agent {
    let a = this.agents.get(provider);
    if (!a) {
      a = new Agent({
        // `ca` replaces Node's default roots: an operator's bundle for providers with a private CA (config upstream_tls).
        connect: { timeout: this.timeouts.connectMs, ca: this.tls.ca, rejectUnauthorized: this.tls.verify },
        headersTimeout: this.timeouts.responseMs,
        bodyTimeout: this.timeouts.responseMs,
        keepAliveTimeout: 4_000,
        connections: 128,
      });
      this.agents.set(provider, a);
    }
    return a;
  }

  async send(req: UpstreamRequest): Promise<UpstreamResponse> {
    const breaker = this.breaker(req.provider);
    if (!breaker.allow()) throw new ProviderUnavailable(req.provider, 'is unavailable (recent failures)');
    const started = process.hrtime.bigint();
    let res: Dispatcher.ResponseData;
    try {
      res = await request(req.url, {
        method: req.method as Dispatcher.HttpMethod,
        headers: req.headers,
        body: req.body,
        signal: req.signal,
        dispatcher: this.agent(req.provider),
      });
    } catch (err) {
      // SECURITY: a call aborted by its own request (client gone, deadline) says nothing about the provider;
      // counting it would let one client open the breaker for everyone.
      if (req.signal?.aborted) {
        breaker.release();
        throw normalizeNetworkError(req.provider, err);
      }
      breaker.failure();
      const mapped = normalizeNetworkError(req.provider, err);
      this.observe(req, started, mapped instanceof UpstreamTimeout ? 'timeout' : 'error');
      this.markUp(req.provider, 0);
      throw mapped;
    }
    breaker.success();
    this.markUp(req.provider, 1);
    this.observe(req, started, res.statusCode >= 500 ? '5xx' : 'ok');
    const body = res.body;
    const text = (limit = DEFAULT_TEXT_LIMIT): Promise<string> => readBounded(body, limit, req.provider);
    return {
      status: res.statusCode,
      headers: res.headers as HeaderBag,
      body,
      text,
      json: async <T>(limit?: number) => JSON.parse((await text(limit)) || 'null') as T,
    };
  }

  /** The gauge's value changes on a provider's first call and when its transport state flips, not on every call. */
  private markUp(provider: string, value: 0 | 1): void {
    if (!this.metrics || this.upValues.get(provider) === value) return;
    this.upValues.set(provider, value);
    this.metrics.providerUp.set({ provider }, value);
  }

  private observe(req: UpstreamRequest, started: bigint, outcome: string): void {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.metrics?.upstreamLatency.observe({ provider: req.provider, service: req.service, outcome }, seconds);
  }

  async close(): Promise<void> {
    await Promise.all([...this.agents.values()].map((a) => a.close()));
  }
}

/**
 * The whole body as UTF-8 text, at most `limit` bytes. Listens to the stream's events rather than iterating it
 * (`for await`): the same outcomes (the chunks, a body over the limit destroyed, a stream error or a close before
 * the end mapped by normalizeNetworkError) for a fraction of the cost, and this runs for every JSON answer.
 */
function readBounded(body: Readable, limit: number, provider: string): Promise<string> {
  if (body.errored) return Promise.reject(normalizeNetworkError(provider, body.errored));
  if (body.readableEnded) return Promise.resolve('');
  if (body.destroyed) return Promise.reject(normalizeNetworkError(provider, prematureClose()));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      body.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        done();
        body.destroy();
        reject(new OcxError(502, 'computeFault', `Provider ${provider} answered with a body over ${limit} bytes.`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      done();
      resolve((chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)).toString('utf8'));
    };
    const onError = (err: unknown): void => {
      done();
      reject(normalizeNetworkError(provider, err));
    };
    // Destroyed without an error and before its end (what `for await` reports as a premature close).
    const onClose = (): void => {
      done();
      reject(normalizeNetworkError(provider, body.errored ?? prematureClose()));
    };
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onError);
    body.on('close', onClose);
  });
}

function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

/** Low-level error → OcxError; the one place that looks at network error codes. */
export function normalizeNetworkError(provider: string, err: unknown): OcxError {
  if (err instanceof OcxError) return err;
  if (
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    err instanceof undiciErrors.ConnectTimeoutError
  ) {
    return new UpstreamTimeout(provider, { cause: err });
  }
  const name = (err as { name?: string }).name;
  // AbortSignal.timeout() rejects with a TimeoutError; a request deadline or client disconnect with an AbortError.
  if (name === 'TimeoutError' || name === 'AbortError' || (err as { code?: string }).code === 'UND_ERR_ABORTED') {
    return new UpstreamTimeout(provider, { cause: err });
  }
  return new ProviderUnavailable(provider, 'is unreachable', { cause: err });
}
