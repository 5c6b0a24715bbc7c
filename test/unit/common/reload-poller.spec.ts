import { ReloadPoller } from '@src/common/reload-poller';

const INTERVAL = 15_000;

function poller(check: () => Promise<void>) {
  const logger = { warn: jest.fn() };
  return { poller: new ReloadPoller({ what: 'prices', intervalMs: INTERVAL, check, logger }), logger };
}

describe(ReloadPoller.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('checks once per interval from start until stop', async () => {
    const check = jest.fn(() => Promise.resolve());
    const { poller: sut } = poller(check);
    sut.start();
    await jest.advanceTimersByTimeAsync(INTERVAL - 1);
    expect(check).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(check).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(2 * INTERVAL);
    expect(check).toHaveBeenCalledTimes(3);
    sut.stop();
    await jest.advanceTimersByTimeAsync(5 * INTERVAL);
    expect(check).toHaveBeenCalledTimes(3);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('starts one timer however often it is started, and it does not keep the process alive', () => {
    const setIntervalSpy = jest.spyOn(global, 'setInterval');
    const { poller: sut } = poller(() => Promise.resolve());
    sut.start();
    sut.start();
    expect(jest.getTimerCount()).toBe(1);
    const timer = setIntervalSpy.mock.results[0].value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    sut.stop();
    setIntervalSpy.mockRestore();
  });

  it('logs a failed check and tries again at the next tick', async () => {
    const check = jest.fn().mockRejectedValueOnce(new Error('connection refused')).mockResolvedValue(undefined);
    const { poller: sut, logger } = poller(check);
    sut.start();
    await jest.advanceTimersByTimeAsync(INTERVAL);
    expect(logger.warn).toHaveBeenCalledWith('Could not refresh prices: connection refused');
    await jest.advanceTimersByTimeAsync(INTERVAL);
    expect(check).toHaveBeenCalledTimes(2);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    sut.stop();
  });

  it('skips ticks while a slow check still runs', async () => {
    let release!: () => void;
    const check = jest.fn(() => new Promise<void>((resolve) => (release = resolve)));
    const { poller: sut } = poller(check);
    sut.start();
    await jest.advanceTimersByTimeAsync(3 * INTERVAL);
    expect(check).toHaveBeenCalledTimes(1);
    release();
    await jest.advanceTimersByTimeAsync(INTERVAL);
    expect(check).toHaveBeenCalledTimes(2);
    sut.stop();
  });
});
