import { LlmService } from '../generation/llm.service';
import { AnthropicStreamSink, OpenAiStreamSink } from '../generation/sse-sinks';
import { CompatExchange, inClientTerms, streamOrGenerate, toGenerationInput } from './compat-call';
import { parseMessagesRequest, toAnthropicMessage } from './formats/anthropic-messages.format';
import { parseChatCompletion, toChatCompletion } from './formats/openai-chat.format';
import { openAiResponse } from './responses-route';

/** One compatible chat endpoint: its parsed body is generated or streamed, and answered in its own format. */
export type CompatChatHandler = (llm: LlmService, body: unknown, http: CompatExchange) => Promise<void>;

/** POST /v1/chat/completions (and /openai/v1/chat/completions): the OpenAI chat completions API. */
export const openAiChatCompletion: CompatChatHandler = async (llm, body, http) => {
  const parsed = parseChatCompletion(body);
  const input = toGenerationInput(parsed, '/v1/chat/completions', http);
  return streamOrGenerate(llm, input, http.res, parsed.stream ? new OpenAiStreamSink(http.res, parsed.includeUsage) : null, toChatCompletion);
};

/** POST /v1/messages: the Anthropic Messages API. */
export const anthropicMessage: CompatChatHandler = async (llm, body, http) => {
  const parsed = parseMessagesRequest(body);
  const input = toGenerationInput(parsed, '/v1/messages', http);
  try {
    return await streamOrGenerate(llm, input, http.res, parsed.stream ? new AnthropicStreamSink(http.res) : null, toAnthropicMessage);
  } catch (error) {
    throw inClientTerms(error, MESSAGES_FIELD_NAMES);
  }
};

/** The request fields the planner and OpenAI-shaped providers name in chat completions' terms, as the Messages API spells them. */
const MESSAGES_FIELD_NAMES: ReadonlyMap<string, string> = new Map([['stop', 'stop_sequences']]);

/**
 * The chat routes answered by the gateway's own request handler (gateway-lane.ts), by exact path:
 * the calls that carry a gateway's traffic. The controllers serve the same handlers through Nest
 * (for any other spelling of the path, and for the API document).
 */
export const COMPAT_CHAT_ROUTES: ReadonlyMap<string, CompatChatHandler> = new Map([
  ['/v1/chat/completions', openAiChatCompletion],
  ['/openai/v1/chat/completions', openAiChatCompletion],
  ['/v1/messages', anthropicMessage],
  ['/v1/responses', openAiResponse],
  ['/openai/v1/responses', openAiResponse],
]);
