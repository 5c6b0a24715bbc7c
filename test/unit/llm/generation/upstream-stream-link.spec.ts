import { UpstreamStreamLink } from '@src/llm/generation/upstream-stream-link';

describe('UpstreamStreamLink', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('gives the provider no idle limit before the first event (the provider timeout covers that wait)', () => {
    const link = new UpstreamStreamLink(new AbortController().signal, 100);
    jest.advanceTimersByTime(10_000);
    expect(link.signal.aborted).toBe(false);
    link.close();
  });

  it('aborts the upstream call when the provider sends nothing for idleMs after an event, and says it timed out', () => {
    const link = new UpstreamStreamLink(new AbortController().signal, 100);
    link.started();
    for (let i = 0; i < 5; i++) {
      jest.advanceTimersByTime(90);
      link.touch();
    }
    expect(link.signal.aborted).toBe(false);
    jest.advanceTimersByTime(100);
    expect(link.signal.aborted).toBe(true);
    expect(link.timedOut).toBe(true);
    link.close();
  });

  it('passes on the caller leaving, which is not a timeout', () => {
    const caller = new AbortController();
    const link = new UpstreamStreamLink(caller.signal, 100);
    link.started();
    caller.abort();
    expect(link.signal.aborted).toBe(true);
    expect(link.timedOut).toBe(false);
    link.close();
  });

  it('after close, neither the idle timer nor the caller aborts it', () => {
    const caller = new AbortController();
    const link = new UpstreamStreamLink(caller.signal, 100);
    link.started();
    link.close();
    jest.advanceTimersByTime(1_000);
    caller.abort();
    expect(link.signal.aborted).toBe(false);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('starts aborted when the caller already left', () => {
    const caller = new AbortController();
    caller.abort();
    expect(new UpstreamStreamLink(caller.signal, 100).signal.aborted).toBe(true);
  });
});
