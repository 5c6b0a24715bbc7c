import type { ServerResponse } from 'node:http';
import { AppError } from '../../common/errors/app-error';
import type { SseEvent } from '../compat/formats/anthropic-messages.format';
import { ResponsesEventWriter } from '../compat/formats/openai-responses-output.format';
import type { ResponsesEcho } from '../compat/formats/openai-responses.format';
import { StreamEvent } from '../providers/llm-provider';
import { StreamSink, StreamStart, StreamSummary } from './generation.types';
import { EventStream } from './sse-sinks';

/** OpenAI's Responses events (`event:` lines, each with its sequence_number), ending with response.completed, .incomplete or .failed. */
export class ResponsesStreamSink implements StreamSink {
  private readonly writer: ResponsesEventWriter;
  private readonly stream: EventStream;

  constructor(res: ServerResponse, echo: ResponsesEcho) {
    this.writer = new ResponsesEventWriter(echo);
    this.stream = new EventStream(res);
  }

  open(start: StreamStart): void {
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

  fail(error: AppError, summary: StreamSummary): void {
    this.send(this.writer.fail(error, summary));
    this.stream.end();
  }

  private send(events: SseEvent[]): void {
    this.stream.writeEvents(events);
  }
}
