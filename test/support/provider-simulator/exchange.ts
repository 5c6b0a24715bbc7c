import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimDirective, SimFault } from './directives';
import type { SimulatorRequestLog } from './server';

export type ProviderId = SimulatorRequestLog['provider'];

/** One request/response pair, with the directive and fault that apply to it. */
export class Exchange {
  directive: SimDirective = {};
  /** The fault in force after `fail_first` accounting. */
  fault: SimFault | undefined;
  /** Set when the response is gone (finished or the connection closed). */
  closed = false;
  /** Set when the simulator itself destroys the socket (`cut`), so it is not logged as a client abort. */
  cutByServer = false;
  private timer: NodeJS.Timeout | undefined;
  /** Anthropic prompt-cache prefixes already written (the server's own set; see tokens.ts). */
  promptCache: Set<string> = new Set();

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly log: SimulatorRequestLog,
    readonly seq: number,
  ) {
    res.once('close', () => {
      this.closed = true;
      if (this.timer) clearTimeout(this.timer);
      if (!res.writableFinished && !this.cutByServer) log.aborted = true;
    });
  }

  get provider(): ProviderId {
    return this.log.provider;
  }

  /** The simulator's own base URL as the client reached it (for image URLs). */
  get baseUrl(): string {
    return `http://${this.req.headers.host ?? '127.0.0.1'}`;
  }

  /** Runs `fn` after `ms` (synchronously when 0), unless the connection is gone by then. */
  later(ms: number | undefined, fn: () => void): void {
    if (!ms) return fn();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.closed) fn();
    }, ms);
  }

  /** Destroys the socket mid-response, as a dropped upstream connection would. */
  cut(): void {
    this.cutByServer = true;
    this.res.destroy();
  }
}
