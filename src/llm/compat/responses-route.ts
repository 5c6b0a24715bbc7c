import { AppError } from '../../common/errors/app-error';
import { ResponsesStreamSink } from '../generation/responses-stream-sink';
import type { CompatChatHandler } from './chat-routes';
import { streamOrGenerate, toGenerationInput } from './compat-call';
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
    throw inResponsesTerms(error);
  }
};

/** The request fields the shared planner names in chat's terms, as this API spells them. */
const FIELD_NAMES: ReadonlyMap<string, string> = new Map([
  ['response_format', 'text.format'],
  ['messages', 'input'],
  // logprobs are asked for by include: message.output_text.logprobs
  ['logprobs', 'include'],
]);

/** A validation error naming a chat field (response_format, messages) names the Responses field instead. */
function inResponsesTerms(error: unknown): unknown {
  if (!(error instanceof AppError) || error.code !== 'validation_error') return error;
  if (!error.details.some((d) => d.field !== undefined && FIELD_NAMES.has(d.field))) return error;
  const rename = (text: string) => text.replaceAll('response_format', 'text.format');
  const details = error.details.map((d) => {
    const field = d.field === undefined ? undefined : FIELD_NAMES.get(d.field);
    return field === undefined ? d : { ...d, field, message: rename(d.message) };
  });
  return new AppError(error.code, rename(error.message), details, error.retryAfterS);
}
