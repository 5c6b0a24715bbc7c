import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestWithCaller } from '../../common/caller';
import { CallSignal } from '../../common/call-signal';
import { AppError } from '../../common/errors/app-error';
import { addUpstreamMs } from '../../common/overhead/overhead';
import { errorBody } from '../../common/errors/error-envelope';
import { AnthropicEventWriter, SseEvent } from '../compat/formats/anthropic-messages.format';
import { Json } from '../compat/formats/body-reader';
import { OpenAiChunkWriter } from '../compat/formats/openai-chat.format';
import { GenerationHooks, StreamSink, StreamStart, StreamSummary } from './generation.types';
import { StreamEvent } from '../providers/llm-provider';

/**
 * Aborted when the client goes away before the response is finished. `res`
 * 'close' is used, not `req` 'close' (which fires once the body is read).
 */
export function clientAbortSignal(res: ServerResponse): AbortSignal {
  const signal = new CallSignal();
  res.once('close', () => {
    if (!res.writableFinished) signal.abort();
  });
  return signal;
}

/** Headers, the usageRecorded flag (the exception filter then records nothing) and upstream time, set on the live request and response. */
export function httpHooks(req: IncomingMessage, res: ServerResponse): GenerationHooks {
  return {
    headers: (headers) => {
      if (!res.headersSent) for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    },
    recorded: () => {
      (req as RequestWithCaller).usageRecorded = true;
    },
    upstream: (ms) => addUpstreamMs(req, ms),
  };
}

/**
 * The event-stream side of a response: no compression, no proxy buffering.
 * A sink opens when the provider's first event is already here, so the socket
 * is corked from the headers until that first event is written: headers,
 * opening events and first event leave in one write (one system call, one
 * packet). The first event uncorks at once, not at the end of the tick: when
 * the provider's whole answer arrived in one read, the rest of it is processed
 * in the same tick, and the first byte must not wait for it. A stream that
 * writes no event is uncorked at the end of the tick.
 */
export class EventStream {
  private corked = false;

  constructor(private readonly res: ServerResponse) {}

  open(): void {
    const res = this.res;
    res.statusCode = 200;
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache, no-transform');
    res.setHeader('connection', 'keep-alive');
    res.setHeader('x-accel-buffering', 'no');
    res.socket?.setNoDelay(true);
    res.cork();
    this.corked = true;
    process.nextTick(() => this.flush());
  }

  write(text: string): void {
    if (!this.res.destroyed && !this.res.writableEnded) this.res.write(text);
  }

  /** Named events (`event:` and `data:` lines), all in one write. */
  writeEvents(events: readonly SseEvent[]): void {
    if (events.length === 0) return;
    let text = '';
    for (const e of events) text += `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;
    this.write(text);
  }

  /** Sends what the cork held (no-op once sent). */
  flush(): void {
    if (!this.corked) return;
    this.corked = false;
    this.res.uncork();
  }

  end(): void {
    this.corked = false;
    this.res.end();
  }
}

/** OpenAI's `data: {...}` chunks, the usage chunk when asked for, then `data: [DONE]`. */
export class OpenAiStreamSink implements StreamSink {
  private readonly writer = new OpenAiChunkWriter();
  /** the call's request id, quoted by an error event as by any error body */
  private requestId = '';

  private readonly stream: EventStream;

  constructor(
    res: ServerResponse,
    private readonly includeUsage: boolean,
  ) {
    this.stream = new EventStream(res);
  }

  open(start: StreamStart): void {
    this.requestId = start.requestId;
    this.stream.open();
    this.send(this.writer.start(start));
  }

  event(event: StreamEvent): void {
    const chunk = this.writer.event(event);
    if (chunk) this.send(chunk);
    this.stream.flush();
  }

  close(summary: StreamSummary): void {
    if (this.includeUsage) this.send(this.writer.usage(summary));
    this.stream.write('data: [DONE]\n\n');
    this.stream.end();
  }

  fail(error: AppError, _summary: StreamSummary): void {
    // the OpenAI SDK raises an APIError for a data event carrying `error`
    this.send(
      errorBody('openai', { code: error.code, message: error.message, details: error.details, status: error.status, requestId: this.requestId }) as Json,
    );
    this.stream.end();
  }

  private send(data: Json): void {
    this.stream.write(`data: ${JSON.stringify(data)}\n\n`);
  }
}

/** Anthropic's named events, ending with message_stop (or an `error` event). */
export class AnthropicStreamSink implements StreamSink {
  private readonly writer = new AnthropicEventWriter();
  private readonly stream: EventStream;
  /** the call's request id, quoted by an error event as by any error body */
  private requestId = '';

  constructor(res: ServerResponse) {
    this.stream = new EventStream(res);
  }

  open(start: StreamStart): void {
    this.requestId = start.requestId;
    this.stream.open();
    this.send(this.writer.start(start));
  }

  event(event: StreamEvent): void {
    this.send(this.writer.event(event));
    this.stream.flush();
  }

  close(summary: StreamSummary): void {
    this.send(this.writer.finish(summary));
    this.stream.end();
  }

  fail(error: AppError, _summary: StreamSummary): void {
    const body = errorBody('anthropic', {
      code: error.code,
      message: error.message,
      details: error.details,
      status: error.status,
      requestId: this.requestId,
    }) as Json;
    // the same envelope as Anthropic's error bodies: type, error and the request id
    this.send([{ event: 'error', data: body }]);
    this.stream.end();
  }

  private send(events: SseEvent[]): void {
    this.stream.writeEvents(events);
  }
}
