import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import type { Logger } from '../observability/logger';
import { isWorkerMessage, type SupervisorMessage, type WorkerSetup } from './messages';
import { PrimaryStore } from './primary-store';

export interface Backoff {
  /** The first restart of a worker that died young waits this long, each further one twice as long... */
  initialMs: number;
  /** ...up to this. */
  maxMs: number;
  /** A worker that lived this long died of something else than its start: its replacement starts at once. */
  stableMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 250, maxMs: 30_000, stableMs: 10_000 };

/** How long to wait before replacing a worker, given how many in a row died young (before this one). Pure. */
export function restartDelay(youngDeaths: number, livedMs: number, b: Backoff = DEFAULT_BACKOFF): number {
  if (livedMs >= b.stableMs) return 0;
  return Math.min(b.maxMs, b.initialMs * 2 ** Math.min(youngDeaths, 20));
}

export interface SupervisorOptions {
  workers: number;
  setup: WorkerSetup;
  logger: Logger;
  /** Once the first worker listens (the demo's banner). */
  onListening?: (port: number) => void;
  /** After the last worker has drained (the demo cloud stops). */
  onStopped?: () => Promise<void>;
  backoff?: Backoff;
  /** How long the workers get to drain before they are killed. */
  drainMs?: number;
}

/**
 * `ocx-proxy --workers N`: the supervisor (cluster primary) forks N workers that share the listening socket, each
 * a whole proxy (src/main.ts). It replaces a worker that dies (backoff when they die young), drains them all on
 * SIGTERM/SIGINT, merges their metrics for whichever worker answers /metrics (prom-client's AggregatorRegistry),
 * and without Redis holds the workers' shared level (primary-store.ts). It serves no request itself.
 */
export function runSupervisor(opts: SupervisorOptions): void {
  const { logger } = opts;
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
  const store = new PrimaryStore();
  const aggregator = new AggregatorRegistry();
  const started = new Map<number, number>();
  let youngDeaths = 0;
  let stopping = false;
  let announced = false;

  const send = (w: Worker, m: SupervisorMessage): void => {
    if (w.isConnected()) w.send(m);
  };
  const others = (from: Worker): Worker[] =>
    Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && w.id !== from.id);

  const fork = (): void => {
    const w = cluster.fork();
    started.set(w.id, Date.now());
  };

  cluster.on('message', (worker, message: unknown) => {
    if (!isWorkerMessage(message)) return;
    if (message.ocx === 'hello') {
      send(worker, { ocx: 'setup', setup: opts.setup });
    } else if (message.ocx === 'store') {
      const { entry, deleted } = store.handle(message);
      send(worker, { ocx: 'store-res', id: message.id, entry });
      if (deleted) for (const w of others(worker)) send(w, { ocx: 'store-deleted', ...deleted });
    } else if (message.ocx === 'metrics') {
      aggregator.clusterMetrics().then(
        (body) => send(worker, { ocx: 'metrics-res', id: message.id, body, contentType: aggregator.contentType }),
        (err: Error) => send(worker, { ocx: 'metrics-res', id: message.id, error: err.message }),
      );
    }
  });

  cluster.on('listening', (worker, address) => {
    logger.info({ worker: worker.id, pid: worker.process.pid, port: address.port }, 'worker listening');
    if (!announced) {
      announced = true;
      opts.onListening?.(address.port);
    }
  });

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (started.get(worker.id) ?? Date.now());
    started.delete(worker.id);
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) void finish(0);
      return;
    }
    const delay = restartDelay(youngDeaths, lived, backoff);
    youngDeaths = lived >= backoff.stableMs ? 0 : youngDeaths + 1;
    logger.warn({ worker: worker.id, code, signal, livedMs: lived, restartInMs: delay }, 'worker died; replacing it');
    setTimeout(() => {
      if (!stopping) fork();
    }, delay);
  });

  const finish = async (code: number): Promise<void> => {
    await opts.onStopped?.().catch(() => undefined);
    process.exit(code);
  };

  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining every worker');
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
    if (alive.length === 0) {
      void finish(0);
      return;
    }
    for (const w of alive) w.process.kill('SIGTERM');
    setTimeout(() => {
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
      void finish(0);
    }, opts.drainMs ?? 12_000).unref();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));

  logger.info({ workers: opts.workers }, 'ocx-proxy supervisor starting workers');
  for (let i = 0; i < opts.workers; i++) fork();
}
