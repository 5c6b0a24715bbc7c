import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '../../common/errors/app-error';
import { sendJson } from '../../common/http/send-json';
import { Caller } from '../../common/caller';
import { GenerationInput, GenerationOutcome, StreamSink } from '../generation/generation.types';
import { LlmService } from '../generation/llm.service';
import { clientAbortSignal, httpHooks } from '../generation/sse-sinks';

export const COST_HEADER = 'x-llmhub-cost-usd';

export function setCostHeader(res: ServerResponse, costUsd: string | null): void {
  if (costUsd === null) res.setHeader('x-llmhub-price-unknown', 'true');
  else res.setHeader(COST_HEADER, costUsd);
}

/** What the compatible chat formats (OpenAI chat completions, Anthropic messages) parse a request into. */
export interface ParsedChat extends Pick<GenerationInput, 'system' | 'messages' | 'params' | 'fallbacks' | 'template' | 'variables' | 'subject'> {
  model: string;
  metadata?: Record<string, unknown>;
}

/** The HTTP exchange a compatible endpoint answers. */
export interface CompatExchange {
  caller: Caller;
  requestId: string;
  req: IncomingMessage;
  res: ServerResponse;
}

/** A parsed compatible chat request as the neutral GenerationInput, tied to its HTTP exchange (headers, client abort). */
export function toGenerationInput(parsed: ParsedChat, endpoint: GenerationInput['endpoint'], http: CompatExchange): GenerationInput {
  return {
    caller: http.caller,
    requestId: http.requestId,
    endpoint,
    model: parsed.model,
    ...(parsed.system !== undefined ? { system: parsed.system } : {}),
    messages: parsed.messages,
    params: parsed.params,
    ...(parsed.fallbacks ? { fallbacks: parsed.fallbacks } : {}),
    ...(parsed.template ? { template: parsed.template } : {}),
    ...(parsed.variables ? { variables: parsed.variables } : {}),
    ...(parsed.subject ? { subject: parsed.subject } : {}),
    metadata: parsed.metadata ?? null,
    hooks: httpHooks(http.req, http.res),
    signal: clientAbortSignal(http.res),
  };
}

/**
 * The tail of both compatible chat endpoints: a stream goes to its format's sink; otherwise the
 * generation is answered with its cost header and the body its format shapes.
 */
export async function streamOrGenerate(
  llm: LlmService,
  input: GenerationInput,
  res: ServerResponse,
  sink: StreamSink | null,
  toBody: (outcome: GenerationOutcome) => unknown,
): Promise<void> {
  if (sink) return llm.stream(input, sink);
  const outcome = await llm.generate(input);
  setCostHeader(res, outcome.costUsd);
  sendJson(res, 200, toBody(outcome));
}

/**
 * A validation error naming a field in chat completions' terms (the shared planner's, or the field a
 * provider's refusal named) names it as the route's own clients spell it; `rename` rewords the message.
 */
export function inClientTerms(error: unknown, fieldNames: ReadonlyMap<string, string>, rename: (text: string) => string = (text) => text): unknown {
  if (!(error instanceof AppError) || error.code !== 'validation_error') return error;
  if (!error.details.some((d) => d.field !== undefined && fieldNames.has(d.field))) return error;
  const details = error.details.map((d) => {
    const field = d.field === undefined ? undefined : fieldNames.get(d.field);
    return field === undefined ? d : { ...d, field, message: rename(d.message) };
  });
  return new AppError(error.code, rename(error.message), details, error.retryAfterS);
}
