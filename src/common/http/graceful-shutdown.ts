import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { NextFunction } from 'express';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Observable, finalize } from 'rxjs';
import { dialectForPath, errorBody } from '../errors/error-envelope';
import { requestIdOf, requestPathOf } from '../request-id';
import { sendJson } from './send-json';

/** After the grace, how long aborted calls get to record their usage (their record is committed, or spooled, well within it). */
export const ABORT_SETTLE_MS = 10_000;

export interface DrainOutcome {
  /** requests in flight when the drain began */
  inFlight: number;
  /** of those, still running when the grace ended: their connection was closed, which aborts the call (recorded as cancelled) */
  aborted: number;
}

/**
 * The HTTP side of a graceful stop. When the drain begins the listener
 * closes (new connections are refused, so a load balancer tries another
 * instance), idle keep-alive connections are closed, and a request that still
 * arrives on an open connection is answered 503 `shutting_down` with
 * `Connection: close` and nothing done. In-flight requests run to their end
 * (their usage record is committed before their response ends), each
 * connection closing once its response is sent. Requests still running when
 * the grace ends have their connection closed: that aborts the upstream call
 * like a client leaving, and the call is recorded as `cancelled`.
 */
@Injectable()
export class GracefulShutdown {
  private readonly open = new Set<ServerResponse>();
  /** controller handlers still running: a call whose connection is gone records its usage after its response closed */
  private handlers = 0;
  private server: Server | undefined;
  private draining = false;
  private onChange: (() => void) | undefined;
  private endGraceNow: (() => void) | undefined;

  /** Express middleware, early in the chain: tracks each request until its response closes; refuses new ones while draining. */
  readonly middleware = (req: IncomingMessage, res: ServerResponse, next: NextFunction): void => {
    if (this.admit(req, res)) next();
  };

  /** Global interceptor: counts the handlers still running. */
  readonly interceptor: NestInterceptor = {
    intercept: (_context: ExecutionContext, next: CallHandler): Observable<unknown> => {
      this.handlerStarted();
      return next.handle().pipe(finalize(() => this.handlerSettled()));
    },
  };

  /**
   * Tracks a request until its response closes; false (and the request is
   * answered 503 shutting_down) once a stop began.
   */
  admit(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.draining) {
      this.refuse(req, res);
      return false;
    }
    this.open.add(res);
    const settle = (): void => {
      if (this.open.delete(res)) this.changed();
    };
    res.once('close', settle);
    // A response queued behind another on a pipelined connection has no socket yet, and gets no 'close'
    // of its own when the connection ends before its turn: the connection's end settles it then.
    if (res.socket === null) {
      const connection = req.socket;
      if (connection.destroyed) settle();
      else {
        connection.once('close', settle);
        res.once('close', () => connection.removeListener('close', settle));
      }
    }
    res.once('finish', () => {
      // the response is sent: a keep-alive connection is now idle and has no further use
      if (this.draining) setImmediate(() => this.server?.closeIdleConnections());
    });
    return true;
  }

  /** A handler began: a call whose connection is gone still records its usage after its response closed. */
  handlerStarted(): void {
    this.handlers++;
  }

  handlerSettled(): void {
    this.handlers--;
    this.changed();
  }

  /** requests received and not yet answered (or closed) */
  get openRequests(): number {
    return this.open.size;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /**
   * Stops taking requests and waits up to `graceMs` for those in flight; aborts
   * what is left, then waits for the aborted calls to record their usage.
   */
  async drain(server: Server, graceMs: number): Promise<DrainOutcome> {
    this.draining = true;
    this.server = server;
    const inFlight = this.open.size;
    // stops listening and closes the idle keep-alive connections; resolves once every connection is gone
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const res of this.open) if (!res.headersSent) res.shouldKeepAlive = false;

    let aborted = 0;
    if (!(await this.settled(graceMs, true))) {
      aborted = this.open.size;
      for (const res of this.open) res.socket?.destroy();
      await this.settled(ABORT_SETTLE_MS, false);
    }
    server.closeAllConnections();
    await closed;
    return { inFlight, aborted };
  }

  /** Ends the grace at once (a second signal): what is still running is aborted now. */
  endGrace(): void {
    this.endGraceNow?.();
  }

  private refuse(req: IncomingMessage, res: ServerResponse): void {
    res.setHeader('Connection', 'close');
    res.setHeader('Retry-After', '1');
    const status = 503;
    sendJson(
      res,
      status,
      errorBody(dialectForPath(requestPathOf(req)), {
        code: 'shutting_down',
        message: 'This instance is shutting down and did not process the request; send it again (another instance will answer)',
        details: [],
        status,
        requestId: requestIdOf(req),
      }),
    );
  }

  /** true once no request is open and no handler runs; false when `timeoutMs` passed first (or the grace was ended). */
  private settled(timeoutMs: number, endable: boolean): Promise<boolean> {
    return new Promise((resolve) => {
      let finished = false;
      const done = (ok: boolean): void => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        this.onChange = undefined;
        this.endGraceNow = undefined;
        resolve(ok);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      if (endable) this.endGraceNow = () => done(false);
      const check = (): void => {
        if (this.open.size > 0 || this.handlers > 0) return;
        // one more turn: an exception filter records a refused call just after its handler settles
        setImmediate(() => {
          if (this.open.size === 0 && this.handlers === 0) done(true);
        });
      };
      this.onChange = check;
      check();
    });
  }

  private changed(): void {
    this.onChange?.();
  }
}
