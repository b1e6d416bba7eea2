import type { UpstreamClient } from '../../upstream/client';
import {
  cleanVersions,
  currentRange,
  defaultVersions,
  narrowVersions,
  type VersionedService,
  type VersionEntry,
} from './version-forms';

/** A provider's version document is one small JSON document. */
const DOC_LIMIT = 256 * 1024;

export interface VersionBookOptions {
  service: VersionedService;
  /** Providers serving this front, in priority order; the first is home. */
  providers: readonly string[];
  publicUrl: string;
  /** How often each known root is read again. */
  refreshMs: number;
  /** Roots from config (`versions.roots`, `providers.*.endpoints`): never replaced by one learnt from a catalog. */
  roots: ReadonlyMap<string, string>;
  upstream: Pick<UpstreamClient, 'send'>;
  /** How long a request waits for a read in flight before it answers from what is known. */
  waitMs?: number;
}

/**
 * The providers' own version documents for one service, read without credentials (Nova, Cinder and Glance answer
 * their roots anonymously) from the roots config names or a provider catalog showed, at start and every
 * `refreshMs`; the last document read is kept while a provider is down. Answers the narrowest document every
 * provider with a known document supports, else the conservative default of version-forms.ts.
 */
export class VersionBook {
  private readonly roots = new Map<string, { url: string; configured: boolean }>();
  private readonly docs = new Map<string, VersionEntry[]>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: VersionBookOptions) {
    for (const [provider, url] of opts.roots) {
      if (opts.providers.includes(provider)) this.roots.set(provider, { url: trim(url), configured: true });
    }
  }

  get service(): VersionedService {
    return this.opts.service;
  }

  /** Read every known root now, then every `refreshMs`. */
  start(): void {
    this.refreshAll();
    if (this.opts.refreshMs > 0 && !this.timer) {
      this.timer = setInterval(() => this.refreshAll(), this.opts.refreshMs);
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A service root a provider's catalog showed: read at once when it is new. */
  learnRoot(provider: string, root: string): void {
    if (!this.opts.providers.includes(provider)) return;
    const known = this.roots.get(provider);
    const url = trim(root);
    if (known?.configured || known?.url === url) return;
    this.roots.set(provider, { url, configured: false });
    void this.refresh(provider);
  }

  /** A document read for an authenticated caller (same checks as an anonymous read). */
  store(provider: string, doc: unknown): void {
    const entries = cleanVersions(this.opts.service, doc, this.opts.publicUrl);
    if (entries) this.docs.set(provider, entries);
  }

  hasRoot(provider: string): boolean {
    return this.roots.has(provider);
  }

  /** Reads in flight (the first ones after start), waited for at most `waitMs`. */
  async settled(): Promise<void> {
    const pending = [...this.inFlight.values()];
    if (!pending.length) return;
    let timer: NodeJS.Timeout | undefined;
    const wait = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.opts.waitMs ?? 3000);
      timer.unref();
    });
    await Promise.race([Promise.allSettled(pending), wait]);
    clearTimeout(timer);
  }

  /** The provider's own (checked) entries, if one was ever read. */
  entriesOf(provider: string): VersionEntry[] | undefined {
    return this.docs.get(provider);
  }

  /** Whether any provider's document is known (else `merged` is the default). */
  known(): boolean {
    return this.docs.size > 0;
  }

  /** Narrowest over every provider with a known document; the base is the first of them in priority order. */
  merged(): VersionEntry[] {
    const known = this.opts.providers.filter((p) => this.docs.has(p));
    const [base, ...others] = known.map((p) => this.docs.get(p) as VersionEntry[]);
    const narrowed = base && narrowVersions(this.opts.service, base, others);
    return narrowed ?? defaultVersions(this.opts.service, this.opts.publicUrl);
  }

  /** The merged microversion range, only when it comes from providers' documents. */
  range(): { min: string; max: string } | undefined {
    return this.known() ? currentRange(this.merged()) : undefined;
  }

  private refreshAll(): void {
    for (const provider of this.roots.keys()) void this.refresh(provider);
  }

  /** One anonymous read; a failure keeps what was known. */
  refresh(provider: string): Promise<void> {
    const running = this.inFlight.get(provider);
    if (running) return running;
    const root = this.roots.get(provider);
    if (!root) return Promise.resolve();
    const p = this.read(provider, root.url)
      .then((doc) => this.store(provider, doc))
      .catch(() => undefined)
      .finally(() => this.inFlight.delete(provider));
    this.inFlight.set(provider, p);
    return p;
  }

  private async read(provider: string, root: string): Promise<unknown> {
    const response = await this.opts.upstream.send({
      provider,
      service: this.opts.service,
      method: 'GET',
      url: `${root}/`,
      headers: { accept: 'application/json' },
    });
    // Cinder and Glance answer their root with 300 Multiple Choices.
    if (response.status >= 400) {
      response.body.resume();
      throw new Error(`HTTP ${response.status}`);
    }
    return response.json(DOC_LIMIT);
  }
}

function trim(url: string): string {
  return url.replace(/\/+$/, '');
}
