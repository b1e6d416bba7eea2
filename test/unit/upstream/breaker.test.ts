import { Breaker } from '../../../src/upstream/breaker';
import { stripHopByHop, upstreamRequestHeaders } from '../../../src/upstream/headers';

describe('breaker', () => {
  it('opens after N failures, lets one probe through after cooling, closes on success', () => {
    let now = 0;
    const b = new Breaker(3, 1000, () => now);
    for (let i = 0; i < 3; i++) {
      expect(b.allow()).toBe(true);
      b.failure();
    }
    expect(b.state).toBe('open');
    expect(b.allow()).toBe(false);
    now = 1000;
    expect(b.state).toBe('half-open');
    expect(b.allow()).toBe(true);
    expect(b.allow()).toBe(false);
    b.success();
    expect(b.state).toBe('closed');
  });

  it('a probe released without a verdict lets the next probe through', () => {
    let now = 0;
    const b = new Breaker(1, 100, () => now);
    b.failure();
    now = 100;
    expect(b.allow()).toBe(true);
    expect(b.allow()).toBe(false);
    b.release();
    expect(b.allow()).toBe(true);
  });

  it('reopens when the probe fails', () => {
    let now = 0;
    const b = new Breaker(1, 100, () => now);
    b.failure();
    now = 100;
    expect(b.allow()).toBe(true);
    b.failure();
    expect(b.allow()).toBe(false);
  });
});

describe('hop-by-hop headers', () => {
  it('drops RFC 7230 hop-by-hop headers and those named in Connection', () => {
    const out = stripHopByHop({ connection: 'keep-alive, x-secret', 'keep-alive': '5', 'x-secret': 'a', 'x-ok': 'b' });
    expect(out).toEqual({ 'x-ok': 'b' });
  });
  it('never forwards the client token, host or the provider selector', () => {
    const out = upstreamRequestHeaders({ host: 'p', 'x-auth-token': 't', 'x-ocx-provider': 'b', accept: 'x' });
    expect(out).toEqual({ accept: 'x' });
  });
});
