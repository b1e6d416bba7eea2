import { AggregatorRegistry, Registry } from 'prom-client';
import { isSupervisorMessage, type WorkerMessage } from './messages';

/**
 * A worker's registry: its own metrics as usual (the supervisor collects them with getMetricsAsJSON), but
 * `metrics()` (what /metrics sends) is every worker's, merged by the supervisor: a scrape lands on any one worker.
 */
export class WorkerRegistry extends Registry {
  private nextId = 1;
  private readonly waiting = new Map<number, (r: { body?: string; error?: string }) => void>();

  constructor(private readonly send: (m: WorkerMessage) => void = (m) => process.send?.(m)) {
    super();
    process.on('message', (m: unknown) => {
      if (isSupervisorMessage(m) && m.ocx === 'metrics-res') this.waiting.get(m.id)?.(m);
    });
    // Answers the supervisor's requests for this worker's metrics (prom-client's cluster protocol).
    new AggregatorRegistry();
    AggregatorRegistry.setRegistries([this]);
  }

  override async metrics(): Promise<string> {
    const id = this.nextId++;
    const answer = await new Promise<{ body?: string; error?: string }>((resolve) => {
      const timer = setTimeout(() => resolve({ error: 'the supervisor did not answer' }), 6000);
      this.waiting.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.send({ ocx: 'metrics', id });
    });
    this.waiting.delete(id);
    // Without the merged view this worker's own metrics beat an error page for the scraper.
    return answer.body ?? super.metrics();
  }
}
