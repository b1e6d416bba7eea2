import type { SharedEntry, SharedStore } from '../state/shared-store';
import { isSupervisorMessage, type StoreOp, type SupervisorMessage, type WorkerMessage } from './messages';

/** The IPC channel to the supervisor (process.send / process.on('message') in a cluster worker). */
export interface Channel {
  send(message: WorkerMessage): void;
  onMessage(listener: (message: SupervisorMessage) => void): void;
  readonly connected: boolean;
}

export function processChannel(): Channel {
  return {
    send: (m) => {
      if (process.connected) process.send?.(m);
    },
    onMessage: (listener) => {
      process.on('message', (m: unknown) => {
        if (isSupervisorMessage(m)) listener(m);
      });
    },
    get connected() {
      return process.connected;
    },
  };
}

/**
 * A worker's view of the supervisor's store (primary-store.ts), behind the worker's local caches like Redis
 * would be (state/layered-cache.ts). Best effort as every SharedStore: an answer that does not come within
 * `timeoutMs` is a miss.
 */
export class WorkerStore implements SharedStore {
  readonly backend = 'workers' as const;
  private nextId = 1;
  private readonly pending = new Map<number, (entry: SharedEntry | undefined) => void>();
  private readonly listeners = new Map<string, ((key: string) => void)[]>();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly channel: Channel,
    private readonly timeoutMs = 250,
  ) {
    channel.onMessage((m) => {
      if (m.ocx === 'store-res') {
        this.pending.get(m.id)?.(m.entry);
      } else if (m.ocx === 'store-deleted') {
        for (const l of this.listeners.get(m.ns) ?? []) l(m.key);
      }
    });
  }

  get reachable(): boolean {
    return this.channel.connected;
  }

  async get(ns: string, key: string): Promise<SharedEntry | undefined> {
    return (await this.call({ op: 'get', ns, key })).entry;
  }

  async set(ns: string, key: string, value: unknown, ttlMs: number): Promise<void> {
    await this.call({ op: 'set', ns, key, value, ttlMs });
  }

  async delete(ns: string, key: string): Promise<void> {
    await this.call({ op: 'delete', ns, key });
  }

  async claim(ns: string, key: string, ttlMs: number): Promise<boolean> {
    const res = await this.call({ op: 'claim', ns, key, ttlMs });
    // No answer from the supervisor fails open (SharedStore.claim).
    return !res.answered || !!res.entry;
  }

  async release(ns: string, key: string): Promise<void> {
    await this.call({ op: 'release', ns, key });
  }

  onRemoteDelete(ns: string, listener: (key: string) => void): void {
    this.listeners.set(ns, [...(this.listeners.get(ns) ?? []), listener]);
  }

  async ping(): Promise<boolean> {
    return (await this.call({ op: 'ping' })).answered;
  }

  async flush(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  async close(): Promise<void> {
    await this.flush();
  }

  private call(op: StoreOp): Promise<{ answered: boolean; entry?: SharedEntry }> {
    if (!this.channel.connected) return Promise.resolve({ answered: false });
    const id = this.nextId++;
    const p = new Promise<{ answered: boolean; entry?: SharedEntry }>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ answered: false });
      }, this.timeoutMs);
      timer.unref();
      this.pending.set(id, (entry) => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve({ answered: true, entry });
      });
      this.channel.send({ ocx: 'store', id, ...op });
    });
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
    return p;
  }
}
