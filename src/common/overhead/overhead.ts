import type { IncomingMessage, ServerResponse } from 'node:http';

/** The response header that says how long LLMHub itself worked on a request, in milliseconds. */
export const OVERHEAD_HEADER = 'x-llmhub-overhead-ms';

/** Per-request clock, kept on the request itself (no async-context machinery). */
interface Timing {
  startNs: bigint;
  upstreamMs: number;
}

type TimedRequest = IncomingMessage & { llmhubTiming?: Timing };

/**
 * Adds time spent waiting for providers to the request's clock; it is taken
 * out of the overhead. Called by the generation hooks (routing time of a
 * non-streaming call; time to the first event of a stream).
 */
export function addUpstreamMs(req: IncomingMessage, ms: number): void {
  const timing = (req as TimedRequest).llmhubTiming;
  if (timing && Number.isFinite(ms) && ms > 0) timing.upstreamMs += ms;
}

/** LLMHub's own time so far on this request: since it arrived, minus upstream time; never negative. */
export function overheadMsOf(req: IncomingMessage, nowNs = process.hrtime.bigint()): number | undefined {
  const timing = (req as TimedRequest).llmhubTiming;
  if (!timing) return undefined;
  return Math.max(0, Number(nowNs - timing.startNs) / 1e6 - timing.upstreamMs);
}

/**
 * The first middleware: starts the request's clock and, just before the
 * response headers leave, sets `x-llmhub-overhead-ms` and reports the same
 * figure (seconds) to `observe` (the /metrics histogram). For a stream the
 * headers leave with the first event, so the figure covers the time before the
 * first byte: everything up to the provider's first event, minus the wait for it.
 */
export function overheadTimer(observe: (seconds: number) => void) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    startOverheadClock(req, res, observe);
    next();
  };
}

/** What overheadTimer does for one request, for the gateway's own request handler (no middleware chain). */
export function startOverheadClock(req: IncomingMessage, res: ServerResponse, observe: (seconds: number) => void): void {
  (req as TimedRequest).llmhubTiming = { startNs: process.hrtime.bigint(), upstreamMs: 0 };
  // restored below, and always called with the response as `this`
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    res.writeHead = writeHead;
    const ms = overheadMsOf(req) ?? 0;
    if (!res.headersSent) res.setHeader(OVERHEAD_HEADER, ms.toFixed(3));
    observe(ms / 1000);
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  };
}
