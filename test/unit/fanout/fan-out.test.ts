import { BadRequest, UpstreamTimeout } from '../../../src/errors/errors';
import { fanOut, partialHeader } from '../../../src/fanout/fan-out';

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new Error('aborted'));
    });
  });

describe('fanOut', () => {
  it('calls every provider in parallel and keeps priority order', async () => {
    const started: string[] = [];
    const result = await fanOut(['a', 'b', 'c'], async (p) => {
      started.push(p);
      await sleep(p === 'a' ? 30 : 5);
      return p.toUpperCase();
    });
    expect(started).toEqual(['a', 'b', 'c']);
    expect(result.ok).toEqual([
      { provider: 'a', value: 'A' },
      { provider: 'b', value: 'B' },
      { provider: 'c', value: 'C' },
    ]);
    expect(result.failed).toEqual([]);
  });

  it('a failing provider is reported, the others answer', async () => {
    const result = await fanOut(['a', 'b'], async (p) => {
      if (p === 'b') throw new BadRequest('nope');
      return 1;
    });
    expect(result.ok.map((r) => r.provider)).toEqual(['a']);
    expect(result.failed[0]?.provider).toBe('b');
    expect(result.failed[0]?.error).toBeInstanceOf(BadRequest);
    expect(partialHeader(result.failed)).toBe('b');
  });

  it('a provider past its budget is a timeout and its signal is aborted', async () => {
    let aborted = false;
    const t0 = Date.now();
    const result = await fanOut(
      ['fast', 'slow'],
      async (p, signal) => {
        signal.addEventListener('abort', () => {
          aborted = true;
        });
        // "slow" ignores its signal: the fan-out still ends on time.
        await sleep(p === 'slow' ? 400 : 1);
        return p;
      },
      { timeoutMs: 50 },
    );
    expect(Date.now() - t0).toBeLessThan(300);
    expect(result.ok.map((r) => r.provider)).toEqual(['fast']);
    expect(result.failed[0]?.error).toBeInstanceOf(UpstreamTimeout);
    expect(aborted).toBe(true);
  });

  it('the request deadline caps the budget', async () => {
    const result = await fanOut(['x'], (_p, signal) => sleep(5_000, signal).then(() => 1), {
      deadline: Date.now() + 30,
      timeoutMs: 10_000,
    });
    expect(result.failed.map((f) => f.provider)).toEqual(['x']);
  });

  it('the client going away aborts every call', async () => {
    const controller = new AbortController();
    const pending = fanOut(['a', 'b'], (_p, signal) => sleep(5_000, signal).then(() => 1), {
      signal: controller.signal,
    });
    controller.abort(new Error('client gone'));
    const result = await pending;
    expect(result.failed.map((f) => f.provider)).toEqual(['a', 'b']);
  });

  it('no failure, no partial header', () => {
    expect(partialHeader([])).toBeUndefined();
  });
});
