import { ResponsesStreamSink } from '../generation/responses-stream-sink';
import type { CompatChatHandler } from './chat-routes';
import { inClientTerms, streamOrGenerate, toGenerationInput } from './compat-call';
import { toResponse } from './formats/openai-responses-output.format';
import { parseResponsesRequest } from './formats/openai-responses.format';

/** POST /v1/responses (and /openai/v1/responses): the OpenAI Responses API, stateless. */
export const openAiResponse: CompatChatHandler = async (llm, body, http) => {
  const parsed = parseResponsesRequest(body);
  const input = toGenerationInput(parsed, '/v1/responses', http);
  try {
    return await streamOrGenerate(llm, input, http.res, parsed.stream ? new ResponsesStreamSink(http.res, parsed.echo) : null, (outcome) =>
      toResponse(outcome, parsed.echo),
    );
  } catch (error) {
    throw inClientTerms(error, FIELD_NAMES, (text) =>
      text.replaceAll('response_format', 'text.format').replaceAll('reasoning_effort', 'reasoning.effort').replaceAll('verbosity', 'text.verbosity'),
    );
  }
};

/** The request fields the shared planner names in chat's terms, as this API spells them. */
const FIELD_NAMES: ReadonlyMap<string, string> = new Map([
  ['response_format', 'text.format'],
  ['messages', 'input'],
  // logprobs are asked for by include: message.output_text.logprobs
  ['logprobs', 'include'],
  ['reasoning_effort', 'reasoning.effort'],
  ['verbosity', 'text.verbosity'],
]);
