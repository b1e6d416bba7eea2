/**
 * The shared level behind the local caches: what one proxy instance learns (a validated token, a provider
 * token from a K2K exchange, a resource location), the others can reuse. Every method is best-effort and never
 * rejects: an unreachable store reads as a miss and a write is dropped, so each instance keeps serving from its
 * local caches (docs/contract.md: one failing dependency never takes the proxy down).
 */
export interface SharedEntry {
  value: unknown;
  /** Epoch ms after which the entry must not be used (the local level gets the remaining time as its TTL). */
  expiresAt: number;
}

export interface SharedStore {
  /** `workers`: the supervisor of `ocx-proxy --workers N` holds the shared level for its workers (src/cluster/). */
  readonly backend: 'redis' | 'workers';
  get(namespace: string, key: string): Promise<SharedEntry | undefined>;
  set(namespace: string, key: string, value: unknown, ttlMs: number): Promise<void>;
  /** Deletes the entry and tells the other instances to drop their local copy (a revoked or rejected token). */
  delete(namespace: string, key: string): Promise<void>;
  /** Local keys another instance deleted in `namespace`. */
  onRemoteDelete(namespace: string, listener: (key: string) => void): void;
  /**
   * Takes a short lease on `key` for work only one instance should do at a time (a K2K exchange): true when this
   * instance holds it now, false when another one does. Fails open: an unreachable store answers true, so a lost
   * store costs at worst one piece of work per instance, never a stalled request.
   */
  claim(namespace: string, key: string, ttlMs: number): Promise<boolean>;
  /** Ends a lease taken with `claim` early (the work failed: the others need not wait for it to expire). */
  release(namespace: string, key: string): Promise<void>;
  /** Whether the last contact with the store succeeded. */
  readonly reachable: boolean;
  /** Asks the store now (bounded by the command timeout). */
  ping(): Promise<boolean>;
  /** Waits for writes already started (graceful shutdown, tests). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface SharedStateStatus {
  backend: 'memory' | 'redis' | 'workers';
  reachable: boolean;
}
