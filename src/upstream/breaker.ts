/**
 * A small per-provider breaker (verdaccio's max_fails / fail_timeout): after `maxFails` consecutive transport
 * failures the provider is skipped for `coolMs`; then one probe is let through (half-open).
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

export class Breaker {
  private failures = 0;
  private openedAt = 0;
  private probing = false;

  constructor(
    private readonly maxFails = 5,
    private readonly coolMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): BreakerState {
    if (this.failures < this.maxFails) return 'closed';
    return this.now() - this.openedAt >= this.coolMs ? 'half-open' : 'open';
  }

  /** True when a call may go out now. */
  allow(): boolean {
    const s = this.state;
    if (s === 'closed') return true;
    if (s === 'half-open' && !this.probing) {
      this.probing = true;
      return true;
    }
    return false;
  }

  /** The call ended without a verdict on the provider (aborted by its own request): free a half-open probe. */
  release(): void {
    this.probing = false;
  }

  success(): void {
    this.failures = 0;
    this.probing = false;
  }

  failure(): void {
    this.probing = false;
    this.failures += 1;
    if (this.failures >= this.maxFails) this.openedAt = this.now();
  }
}
