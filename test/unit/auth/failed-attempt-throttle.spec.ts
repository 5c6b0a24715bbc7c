import { FailedAttemptThrottle } from '@src/auth/failed-attempt-throttle';

describe(FailedAttemptThrottle.name, () => {
  it('does not delay the first few failures, then doubles the delay, per IP, until a success', () => {
    const sut = new FailedAttemptThrottle();
    for (let i = 0; i < 5; i++) sut.failed('1.2.3.4', 0);
    expect(sut.delayMs('1.2.3.4', 0)).toBe(250);
    sut.failed('1.2.3.4', 0);
    expect(sut.delayMs('1.2.3.4', 0)).toBe(500);
    expect(sut.delayMs('5.6.7.8', 0)).toBe(0);
    sut.succeeded('1.2.3.4');
    expect(sut.delayMs('1.2.3.4', 0)).toBe(0);
  });

  it('caps the delay and forgets failures after the window', () => {
    const sut = new FailedAttemptThrottle();
    for (let i = 0; i < 50; i++) sut.failed('ip', 0);
    expect(sut.delayMs('ip', 0)).toBe(10_000);
    expect(sut.delayMs('ip', 16 * 60_000)).toBe(0);
  });
});
