import { randomUUID } from 'node:crypto';
import Redis, { type RedisOptions } from 'ioredis';
import type { RedisSentinelConfig } from '../config/types';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { sentinelOptions } from './redis-options';
import { EntrySealer } from './sealed-entry';
import type { SharedEntry, SharedStore } from './shared-store';

export interface RedisStoreOptions {
  url: string;
  /** Find the master through Sentinel (`state.sentinel`); `url` then gives credentials, database and TLS. */
  sentinel?: RedisSentinelConfig;
  keyPrefix: string;
  encryptionKey: Uint8Array;
  commandTimeoutMs: number;
  metrics?: Metrics;
  logger?: Logger;
  now?: () => number;
}

/** After a timed-out command the store is skipped for this long: a hung Redis must not add a timeout to every miss. */
const COOL_DOWN_MS = 1_000;
/** Leases (claim/release) live beside the entries under their own names. */
const CLAIM_PREFIX = 'claim:';
const INVALIDATION_CHANNEL = 'invalidate';

/**
 * The shared level on Redis (ioredis). Fails fast rather than queueing: commands are never buffered while the
 * connection is down (`enableOfflineQueue: false`) and each one is bounded by `state.command_timeout`, so a Redis
 * outage costs a miss, never a stalled request. The connection keeps retrying in the background; `reachable` and
 * `ocx_shared_state_up` follow it. Deletes are also published so other instances drop their local copies.
 */
export class RedisStore implements SharedStore {
  readonly backend = 'redis';
  private readonly client: Redis;
  private readonly subscriber: Redis;
  private readonly sealer: EntrySealer;
  private readonly instance = randomUUID();
  private readonly listeners = new Map<string, Array<(key: string) => void>>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly now: () => number;
  private up = false;
  private skipUntil = 0;
  private closed = false;

  constructor(private readonly opts: RedisStoreOptions) {
    this.now = opts.now ?? Date.now;
    this.sealer = new EntrySealer(opts.encryptionKey);
    const options: RedisOptions = {
      ...sentinelOptions(opts.sentinel),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: opts.commandTimeoutMs,
      connectTimeout: Math.max(1_000, opts.commandTimeoutMs * 4),
      // Reconnect forever, backing off to one attempt every 2 s.
      retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt, 5), 2_000),
      connectionName: 'ocx-proxy',
      // close() on a dead connection: do not hold the process (shutdown, tests) for ioredis' default 2 s.
      disconnectTimeout: 200,
    };
    this.client = new Redis(opts.url, options);
    // Subscribing is not on any request path: let it wait for the connection.
    this.subscriber = new Redis(opts.url, { ...options, enableOfflineQueue: true, commandTimeout: undefined });
    this.opts.metrics?.sharedStateUp.set({ backend: 'redis' }, 0);
    this.client.on('ready', () => this.mark(true));
    this.client.on('close', () => this.mark(false));
    // Connection errors are reported by mark(); without a listener ioredis would print each one.
    this.client.on('error', () => undefined);
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('messageBuffer', (_channel: Buffer, message: Buffer) => void this.received(message));
    this.subscriber.subscribe(this.key(INVALIDATION_CHANNEL)).catch(() => undefined);
  }

  get reachable(): boolean {
    return this.up;
  }

  async get(namespace: string, key: string): Promise<SharedEntry | undefined> {
    if (!this.usable()) return undefined;
    const name = this.sealer.name(namespace, key);
    const jwe = await this.run('get', () => this.client.get(this.key(name)));
    if (!jwe) return undefined;
    const entry = await this.sealer.open(name, jwe, this.now());
    if (!entry) this.opts.metrics?.sharedStateErrors.inc({ op: 'open' });
    return entry;
  }

  set(namespace: string, key: string, value: unknown, ttlMs: number): Promise<void> {
    const ttl = Math.floor(ttlMs);
    if (ttl <= 0 || !this.usable()) return Promise.resolve();
    return this.track(async () => {
      const name = this.sealer.name(namespace, key);
      const jwe = await this.sealer.seal(name, value, this.now() + ttl);
      await this.run('set', () => this.client.set(this.key(name), jwe, 'PX', ttl));
    });
  }

  delete(namespace: string, key: string): Promise<void> {
    if (this.closed) return Promise.resolve();
    return this.track(async () => {
      const name = this.sealer.name(namespace, key);
      // DEL goes out now, before the notice is sealed: ioredis keeps a connection's order, so a read issued right
      // after this delete (a re-exchange after a provider's 401) cannot find the entry being deleted.
      const deleted = this.run('delete', () => this.client.del(this.key(name)));
      const notice = await this.sealer.seal(
        INVALIDATION_CHANNEL,
        { n: namespace, k: key, i: this.instance },
        this.now() + 60_000,
      );
      await Promise.all([
        deleted,
        this.run('publish', () => this.client.publish(this.key(INVALIDATION_CHANNEL), notice)),
      ]);
    });
  }

  async claim(namespace: string, key: string, ttlMs: number): Promise<boolean> {
    if (!this.usable()) return true;
    const name = this.sealer.name(CLAIM_PREFIX + namespace, key);
    const ttl = Math.max(1, Math.floor(ttlMs));
    // Sealed like every value, so Redis holds nothing readable (not even which instance holds the lease).
    const holder = await this.sealer.seal(name, this.instance, this.now() + ttl);
    const reply = await this.run('claim', () => this.client.set(this.key(name), holder, 'PX', ttl, 'NX'));
    // `null` is Redis's "already held"; no answer at all (undefined) fails open.
    return reply !== null;
  }

  async release(namespace: string, key: string): Promise<void> {
    if (!this.usable()) return;
    const name = this.sealer.name(CLAIM_PREFIX + namespace, key);
    await this.run('release', () => this.client.del(this.key(name)));
  }

  onRemoteDelete(namespace: string, listener: (key: string) => void): void {
    this.listeners.set(namespace, [...(this.listeners.get(namespace) ?? []), listener]);
  }

  async ping(): Promise<boolean> {
    if (this.closed) return false;
    await this.run('ping', () => this.client.ping());
    return this.up;
  }

  async flush(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    this.mark(false);
    // QUIT when connected (the server closes cleanly); otherwise just stop reconnecting.
    await Promise.allSettled(
      [this.client, this.subscriber].map((c) =>
        (c.status === 'ready' ? c.quit() : Promise.resolve('')).catch(() => ''),
      ),
    );
    this.client.disconnect();
    this.subscriber.disconnect();
  }

  private key(name: string): string {
    return `${this.opts.keyPrefix}${name}`;
  }

  /** Not connected, or cooling down after a timeout: a miss without asking (the gauge already says so). */
  private usable(): boolean {
    return !this.closed && this.client.status === 'ready' && (this.up || this.now() >= this.skipUntil);
  }

  /** One command; a failure (down, timeout, error reply) is counted and reads as "no answer". */
  private async run<T>(op: string, command: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await command();
      if (this.client.status === 'ready') this.mark(true);
      return result;
    } catch (err) {
      this.opts.metrics?.sharedStateErrors.inc({ op });
      if (/timed out/i.test((err as Error).message)) {
        this.skipUntil = this.now() + COOL_DOWN_MS;
        this.mark(false);
      }
      return undefined;
    }
  }

  private track(work: () => Promise<void>): Promise<void> {
    const p = work().catch(() => undefined);
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
    return p;
  }

  private async received(message: Buffer): Promise<void> {
    const opened = await this.sealer.open(INVALIDATION_CHANNEL, message.toString('utf8'), this.now());
    const notice = opened?.value as { n?: unknown; k?: unknown; i?: unknown } | undefined;
    if (!notice || notice.i === this.instance || typeof notice.n !== 'string' || typeof notice.k !== 'string') return;
    for (const listener of this.listeners.get(notice.n) ?? []) listener(notice.k);
  }

  private mark(up: boolean): void {
    if (up === this.up) return;
    this.up = up;
    this.opts.metrics?.sharedStateUp.set({ backend: 'redis' }, up ? 1 : 0);
    if (this.closed) return;
    if (up) this.opts.logger?.info('shared state (redis) reachable: sharing caches with other instances');
    else this.opts.logger?.warn('shared state (redis) unreachable: serving from local caches only');
  }
}
