import type { Config } from '../config/types';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { authenticate } from './caller';
import type { ProviderSessions } from './provider-sessions';
import type { TokenValidator } from './token-validator';

/** K2K exchanges the proxy runs at once for warm-ups, over all logins: a login storm must not become a K2K storm. */
const CONCURRENCY = 4;
/** Exchanges waiting beyond this are dropped: the user's first request to the provider then exchanges itself. */
const MAX_QUEUED = 1000;

/**
 * Warm at login: right after the home Keystone issued a token through the proxy, exchange it (K2K) for every
 * other Keystone-backed provider the caller's project may use, in the background, so the first merged listing
 * finds every provider session cached (in this instance and, through the shared level, in the others). Never part
 * of the login's answer: failures are only counted (`ocx_warmups_total`) and logged at debug; a refusal is
 * remembered by provider-sessions.ts as for any request.
 */
export class SessionWarmUp {
  private running = 0;
  /** Warm-ups still finding out their caller and providers (not yet queued). */
  private starting = 0;
  private readonly queue: (() => Promise<void>)[] = [];
  private readonly providers: string[];

  constructor(
    config: Config,
    private readonly validator: TokenValidator,
    private readonly sessions: ProviderSessions,
    private readonly logger?: Logger,
    private readonly metrics?: Metrics,
  ) {
    this.providers = config.providers.filter((p) => p.name !== config.home && p.keystoneUrl).map((p) => p.name);
  }

  /** Starts the warm-up of `token` (a fresh, project-scoped home token) and returns at once. */
  warm(token: string): void {
    if (this.providers.length === 0) return;
    this.starting++;
    void this.start(token).finally(() => this.starting--);
  }

  /** Resolves when every warm-up started so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.starting > 0 || this.running > 0 || this.queue.length > 0) await new Promise((r) => setTimeout(r, 10));
  }

  private async start(token: string): Promise<void> {
    let caller;
    try {
      // The token was just remembered from the login's body: no Keystone call here. Also gives the project's
      // provider choice, so a provider it did not choose is not warmed.
      caller = await authenticate({ 'x-auth-token': token }, this.validator);
    } catch {
      return;
    }
    if (!caller.info.projectId) return;
    const chosen = caller.providers;
    for (const provider of this.providers) {
      if (chosen && !chosen.includes(provider)) continue;
      const who = caller;
      this.enqueue(async () => {
        try {
          await this.sessions.get(who, provider);
          this.metrics?.warmUps.inc({ provider, result: 'ok' });
        } catch (err) {
          this.metrics?.warmUps.inc({ provider, result: 'error' });
          this.logger?.debug({ provider, err: (err as Error).name }, 'warm-up exchange failed');
        }
      });
    }
  }

  private enqueue(job: () => Promise<void>): void {
    if (this.queue.length >= MAX_QUEUED) {
      this.metrics?.warmUps.inc({ provider: '', result: 'dropped' });
      return;
    }
    this.queue.push(job);
    this.pump();
  }

  private pump(): void {
    while (this.running < CONCURRENCY && this.queue.length > 0) {
      const job = this.queue.shift() as () => Promise<void>;
      this.running++;
      void job().finally(() => {
        this.running--;
        this.pump();
      });
    }
  }
}
