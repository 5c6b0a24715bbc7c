import type { IncomingMessage, ServerResponse } from 'node:http';
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
