import { CircuitBreaker } from '@src/llm/routing/circuit-breaker';

describe('CircuitBreaker', () => {
  let now = 0;
  const breaker = () => new CircuitBreaker({ failureThreshold: 3, openMs: 1000 }, () => now);
  beforeEach(() => (now = 0));

  it('opens after the threshold of consecutive failures and refuses calls', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) {
      expect(b.tryAcquire()).toBe(true);
      b.failure();
    }
    expect(b.state).toBe('open');
    expect(b.tryAcquire()).toBe(false);
    expect(b.retryAfterS()).toBe(1);
  });

  it('a success in between resets the count', () => {
    const b = breaker();
    b.failure();
    b.failure();
    b.success();
    b.failure();
    b.failure();
    expect(b.state).toBe('closed');
  });

  it('lets exactly one probe through when half-open, and closes on its success', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.failure();
    now = 1000;
    expect(b.state).toBe('half_open');
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false);
    b.success();
    expect(b.state).toBe('closed');
    expect(b.tryAcquire()).toBe(true);
  });

  it('re-opens when the probe fails', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.failure();
    now = 1500;
    expect(b.tryAcquire()).toBe(true);
    b.failure();
    expect(b.state).toBe('open');
    now = 2000;
    expect(b.tryAcquire()).toBe(false);
    now = 2500;
    expect(b.tryAcquire()).toBe(true);
  });

  it('a released probe frees the slot for the next caller', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.failure();
    now = 1000;
    expect(b.tryAcquire()).toBe(true);
    b.release();
    expect(b.tryAcquire()).toBe(true);
  });
});
