/**
 * What the supervisor and its workers say to each other over the cluster IPC channel. Every message carries
 * `ocx` so those of prom-client's aggregator (and anything else on the channel) are told apart.
 */
export type StoreOp =
  | { op: 'get'; ns: string; key: string }
  | { op: 'set'; ns: string; key: string; value: unknown; ttlMs: number }
  | { op: 'delete'; ns: string; key: string }
  /** A lease (SharedStore.claim): answered with an entry when this worker got it. */
  | { op: 'claim'; ns: string; key: string; ttlMs: number }
  | { op: 'release'; ns: string; key: string }
  | { op: 'ping' };

export type WorkerMessage =
  /** A worker is ready for its setup. */
  | { ocx: 'hello' }
  | ({ ocx: 'store'; id: number } & StoreOp)
  /** A worker answering /metrics asks for every worker's metrics, merged. */
  | { ocx: 'metrics'; id: number };

export type SupervisorMessage =
  | { ocx: 'setup'; setup: WorkerSetup }
  | { ocx: 'store-res'; id: number; entry?: { value: unknown; expiresAt: number } }
  /** Another worker deleted the key (a revoked token): drop the local copy. */
  | { ocx: 'store-deleted'; ns: string; key: string }
  | { ocx: 'metrics-res'; id: number; body?: string; contentType?: string; error?: string };

export interface WorkerSetup {
  /** The supervisor's random cursor key (base64url) when the config names none: one for all its workers. */
  cursorKey: string;
  /** `ocx-proxy demo`: the demo cloud runs in the supervisor; its configuration in the YAML shape. */
  demoConfig?: Record<string, unknown>;
}

function tagged(m: unknown): boolean {
  return !!m && typeof m === 'object' && typeof (m as { ocx?: unknown }).ocx === 'string';
}

export function isWorkerMessage(m: unknown): m is WorkerMessage {
  return tagged(m);
}

export function isSupervisorMessage(m: unknown): m is SupervisorMessage {
  return tagged(m);
}
