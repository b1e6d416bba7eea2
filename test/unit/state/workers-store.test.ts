import type { SupervisorMessage, WorkerMessage } from '../../../src/cluster/messages';
import { PrimaryStore } from '../../../src/cluster/primary-store';
import { DEFAULT_BACKOFF, restartDelay } from '../../../src/cluster/supervisor';
import { WorkerStore, type Channel } from '../../../src/cluster/worker-store';
import { memoryCache } from '../../../src/state/cache';
import { layeredCache } from '../../../src/state/layered-cache';

/** Workers wired to one PrimaryStore the way src/cluster/supervisor.ts relays their messages. */
function supervisorWith(primary: PrimaryStore, opts: { silent?: boolean } = {}) {
  const workers: { listener?: (m: SupervisorMessage) => void; connected: boolean }[] = [];
  const deliver = (to: number, m: SupervisorMessage) => setImmediate(() => workers[to]?.listener?.(m));
  const channel = (i: number): Channel => ({
    send: (m: WorkerMessage) => {
      if (m.ocx !== 'store' || opts.silent) return;
      const { entry, deleted } = primary.handle(m);
      deliver(i, { ocx: 'store-res', id: m.id, entry });
      if (deleted) workers.forEach((_, j) => j !== i && deliver(j, { ocx: 'store-deleted', ...deleted }));
    },
    onMessage: (l) => {
      workers[i]!.listener = l;
    },
    get connected() {
      return workers[i]!.connected;
    },
  });
  return {
    worker(): WorkerStore {
      workers.push({ connected: true });
      return new WorkerStore(channel(workers.length - 1), 50);
    },
    disconnect(i: number) {
      workers[i]!.connected = false;
    },
  };
}

describe('the shared level of --workers N without Redis', () => {
  it('what one worker writes another finds on a local miss, with the remaining lifetime', async () => {
    let now = 1_000_000;
    const sup = supervisorWith(new PrimaryStore(() => now));
    const clock = { now: () => now };
    const a = layeredCache(memoryCache<{ v: number }>(10), sup.worker(), 'minted', clock);
    const b = layeredCache(memoryCache<{ v: number }>(10), sup.worker(), 'minted', clock);
    a.set('k', { v: 1 }, 60_000);
    expect(b.get('k')).toBeUndefined();
    expect(await b.fetchShared?.('k')).toEqual({ v: 1 });
    expect(b.get('k')).toEqual({ v: 1 });
    now += 60_001;
    expect(await layeredCache(memoryCache(10), sup.worker(), 'minted').fetchShared?.('k')).toBeUndefined();
  });

  it("a delete (revocation) reaches the other workers' local copies at once", async () => {
    const sup = supervisorWith(new PrimaryStore());
    const a = layeredCache(memoryCache<{ v: number }>(10), sup.worker(), 'token');
    const b = layeredCache(memoryCache<{ v: number }>(10), sup.worker(), 'token');
    a.set('t', { v: 1 }, 60_000);
    expect(await b.fetchShared?.('t')).toEqual({ v: 1 });
    a.delete('t');
    await new Promise((r) => setTimeout(r, 20));
    expect(b.get('t')).toBeUndefined();
    expect(await b.fetchShared?.('t')).toBeUndefined();
  });

  it('namespaces do not mix', async () => {
    const sup = supervisorWith(new PrimaryStore());
    const w = sup.worker();
    await w.set('token', 'k', { a: 1 }, 1000);
    expect(await w.get('location', 'k')).toBeUndefined();
    expect((await w.get('token', 'k'))?.value).toEqual({ a: 1 });
  });

  it('a lease (one K2K exchange across workers): one holder until it expires or is released', async () => {
    let now = 1_000_000;
    const sup = supervisorWith(new PrimaryStore(() => now));
    const [w1, w2] = [sup.worker(), sup.worker()];
    expect(await w1.claim('provider_token', 'k', 10_000)).toBe(true);
    expect(await w2.claim('provider_token', 'k', 10_000)).toBe(false);
    expect(await w2.claim('provider_token', 'other', 10_000)).toBe(true);
    now += 10_001;
    expect(await w2.claim('provider_token', 'k', 10_000)).toBe(true);
    await w2.release('provider_token', 'k');
    expect(await w1.claim('provider_token', 'k', 10_000)).toBe(true);
    sup.disconnect(0);
    expect(await w1.claim('provider_token', 'k', 10_000)).toBe(true); // fails open
  });

  it('an unanswered or disconnected supervisor is a miss, never a hang or a throw', async () => {
    const silent = supervisorWith(new PrimaryStore(), { silent: true }).worker();
    expect(await silent.get('token', 'k')).toBeUndefined();
    expect(await silent.ping()).toBe(false);
    const sup = supervisorWith(new PrimaryStore());
    const w = sup.worker();
    expect(await w.ping()).toBe(true);
    sup.disconnect(0);
    expect(w.reachable).toBe(false);
    expect(await w.ping()).toBe(false);
    await expect(w.set('token', 'k', {}, 1000)).resolves.toBeUndefined();
  });
});

describe('worker restart backoff', () => {
  it('doubles for workers that die young, caps, and restarts a long-lived one at once', () => {
    expect(restartDelay(0, 100)).toBe(DEFAULT_BACKOFF.initialMs);
    expect(restartDelay(1, 100)).toBe(DEFAULT_BACKOFF.initialMs * 2);
    expect(restartDelay(3, 100)).toBe(DEFAULT_BACKOFF.initialMs * 8);
    expect(restartDelay(50, 100)).toBe(DEFAULT_BACKOFF.maxMs);
    expect(restartDelay(5, DEFAULT_BACKOFF.stableMs)).toBe(0);
  });
});
