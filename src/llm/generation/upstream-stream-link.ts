import { CallSignal } from '../../common/call-signal';

/**
 * The upstream side of one stream: its signal aborts the provider call when the
 * caller leaves, or when the provider, once the stream has started, sends
 * nothing for `idleMs` (a stalled stream would otherwise hold the connection
 * for as long as the provider keeps it open). One timer per stream, re-armed
 * with `refresh()` per event; `close()` on every way out.
 */
export class UpstreamStreamLink {
  private readonly controller = new CallSignal();
  private timer: NodeJS.Timeout | undefined;
  private idle = false;

  constructor(
    private readonly caller: AbortSignal,
    readonly idleMs: number,
  ) {
    if (caller.aborted) this.controller.abort();
    else caller.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  /** what the provider call listens to */
  get signal(): AbortSignal {
    return this.controller;
  }

  /** true once the idle timeout has aborted the call */
  get timedOut(): boolean {
    return this.idle;
  }

  /** the first event arrived (before it, the provider timeout applies): from now on the provider has `idleMs` between events */
  started(): void {
    this.timer = setTimeout(this.onIdle, this.idleMs);
  }

  /** an event arrived */
  touch(): void {
    this.timer?.refresh();
  }

  close(): void {
    clearTimeout(this.timer);
    this.caller.removeEventListener('abort', this.onCallerAbort);
  }

  private readonly onCallerAbort = (): void => this.controller.abort();

  private readonly onIdle = (): void => {
    this.idle = true;
    this.controller.abort();
  };
}
