import { FailedAttemptThrottle, MAX_TRACKED_ADDRESSES, MAX_WAITING_ATTEMPTS } from '@src/auth/failed-attempt-throttle';

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

  it('remembers a bounded number of addresses: guesses from ever new ones push out the longest-known, not the latest', () => {
    const sut = new FailedAttemptThrottle();
    for (let i = 0; i < 6; i++) sut.failed('first', 0);
    for (let n = 0; n < MAX_TRACKED_ADDRESSES; n++) sut.failed(`10.${n >> 16}.${(n >> 8) & 255}.${n & 255}`, 1);
    for (let i = 0; i < 6; i++) sut.failed('latest', 2);
    expect(sut.delayMs('first', 2)).toBe(0);
    expect(sut.delayMs('latest', 2)).toBe(500);
  });
});

describe(`${FailedAttemptThrottle.name} turns`, () => {
  const wrongGuess = (sut: FailedAttemptThrottle, ip: string) => async () => {
    sut.failed(ip);
    return false;
  };

  it('slows guesses sent in parallel as if they were sent one after another', async () => {
    const slept: number[] = [];
    const sut = new FailedAttemptThrottle(async (ms) => void slept.push(ms));
    const results = await Promise.all(Array.from({ length: 8 }, () => sut.inTurn('1.2.3.4', wrongGuess(sut, '1.2.3.4'))));
    expect(results).toEqual(Array(8).fill(false));
    // five free failures, then each attempt waits for what the ones before it earned
    expect(slept).toEqual([250, 500, 1000]);
  });

  it('lets another address through while one waits its turn', async () => {
    let release = (): void => undefined;
    const sut = new FailedAttemptThrottle(() => new Promise<void>((resolve) => (release = resolve)));
    for (let i = 0; i < 5; i++) sut.failed('1.2.3.4');
    const held = sut.inTurn('1.2.3.4', async () => 'held');
    await expect(sut.inTurn('5.6.7.8', async () => 'other')).resolves.toBe('other');
    release();
    await expect(held).resolves.toBe('held');
  });

  it('refuses an attempt unchecked once too many of its address wait', async () => {
    const sut = new FailedAttemptThrottle(() => new Promise<void>(() => undefined));
    for (let i = 0; i < 5; i++) sut.failed('ip');
    for (let i = 0; i < MAX_WAITING_ATTEMPTS; i++) void sut.inTurn('ip', async () => true);
    const checked = jest.fn(async () => true);
    await expect(sut.inTurn('ip', checked)).resolves.toBeUndefined();
    expect(checked).not.toHaveBeenCalled();
  });

  it('passes a correct token at once when nothing failed, in parallel too', async () => {
    const slept: number[] = [];
    const sut = new FailedAttemptThrottle(async (ms) => void slept.push(ms));
    const ok = async () => {
      sut.succeeded('ip');
      return true;
    };
    expect(await Promise.all(Array.from({ length: 20 }, () => sut.inTurn('ip', ok)))).toEqual(Array(20).fill(true));
    expect(slept).toEqual([]);
  });
});
