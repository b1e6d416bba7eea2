import { Breaker } from '../../../src/upstream/breaker';

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
