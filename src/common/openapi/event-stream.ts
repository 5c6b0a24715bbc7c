import { ApiExtension, OpenAPIObject } from '@nestjs/swagger';
import type { OperationObject, ResponseObject } from './openapi-types';

/** Where ApiEventStream leaves its description for the document builder (removed from the published document). */
const EVENT_STREAM_EXTENSION = 'x-llmhub-event-stream';
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head'] as const;

/**
 * Declares that the route's 200 is, with `stream: true`, a `text/event-stream` (described by `events`)
 * instead of its JSON body: the document lists both media types, so a reader or a generator knows
 * the stream's Content-Type (the TypeScript SDK keeps typing `data` as the JSON body).
 */
export const ApiEventStream = (events: string) => ApiExtension(EVENT_STREAM_EXTENSION, events);

/** Adds the `text/event-stream` media type to the 200 of every operation marked with ApiEventStream. */
export function addEventStreams(doc: OpenAPIObject): void {
  for (const item of Object.values(doc.paths)) {
    for (const method of METHODS) {
      const operation = item[method] as (OperationObject & Record<string, unknown>) | undefined;
      const events = operation?.[EVENT_STREAM_EXTENSION];
      if (!operation || typeof events !== 'string') continue;
      delete operation[EVENT_STREAM_EXTENSION];
      const ok = operation.responses['200'] as ResponseObject;
      ok.content = { ...ok.content, 'text/event-stream': { schema: { type: 'string', description: events } } };
    }
  }
}
