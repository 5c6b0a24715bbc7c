import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestWithCaller } from '../../common/caller';
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
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
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
 * Event-stream headers; no compression, no proxy buffering. A sink opens when
 * the provider's first event is already here and writes its opening events and
 * that first event in the same tick: the socket is corked until the end of the
 * tick, so the headers and those events leave in one write (one system call,
 * one packet) instead of three. Nothing waits beyond the current tick.
 */
function openEventStream(res: ServerResponse): void {
  res.statusCode = 200;
  res.setHeader('content-type', 'text/event-stream; charset=utf-8');
  res.setHeader('cache-control', 'no-cache, no-transform');
  res.setHeader('connection', 'keep-alive');
  res.setHeader('x-accel-buffering', 'no');
  res.socket?.setNoDelay(true);
  res.cork();
  process.nextTick(() => res.uncork());
}

function write(res: ServerResponse, text: string): void {
  if (!res.destroyed && !res.writableEnded) res.write(text);
}

/** OpenAI's `data: {...}` chunks, the usage chunk when asked for, then `data: [DONE]`. */
export class OpenAiStreamSink implements StreamSink {
  private readonly writer = new OpenAiChunkWriter();
  /** the call's request id, quoted by an error event as by any error body */
  private requestId = '';

  constructor(
    private readonly res: ServerResponse,
    private readonly includeUsage: boolean,
  ) {}

  open(start: StreamStart): void {
    this.requestId = start.requestId;
    openEventStream(this.res);
    this.send(this.writer.start(start));
  }

  event(event: StreamEvent): void {
    const chunk = this.writer.event(event);
    if (chunk) this.send(chunk);
  }

  close(summary: StreamSummary): void {
    if (this.includeUsage) this.send(this.writer.usage(summary));
    write(this.res, 'data: [DONE]\n\n');
    this.res.end();
  }

  fail(error: AppError, _summary: StreamSummary): void {
    // the OpenAI SDK raises an APIError for a data event carrying `error`
    this.send(
      errorBody('openai', { code: error.code, message: error.message, details: error.details, status: error.status, requestId: this.requestId }) as Json,
    );
    this.res.end();
  }

  private send(data: Json): void {
    write(this.res, `data: ${JSON.stringify(data)}\n\n`);
  }
}

/** Anthropic's named events, ending with message_stop (or an `error` event). */
export class AnthropicStreamSink implements StreamSink {
  private readonly writer = new AnthropicEventWriter();

  constructor(private readonly res: ServerResponse) {}

  open(start: StreamStart): void {
    openEventStream(this.res);
    this.send(this.writer.start(start));
  }

  event(event: StreamEvent): void {
    this.send(this.writer.event(event));
  }

  close(summary: StreamSummary): void {
    this.send(this.writer.finish(summary));
    this.res.end();
  }

  fail(error: AppError, _summary: StreamSummary): void {
    const body = errorBody('anthropic', { code: error.code, message: error.message, details: error.details, status: error.status, requestId: '' }) as Json;
    this.send([{ event: 'error', data: { type: 'error', error: body.error } }]);
    this.res.end();
  }

  private send(events: SseEvent[]): void {
    if (events.length === 0) return;
    write(this.res, events.map((e) => `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`).join(''));
  }
}
