import type { ChatMessage, ReasoningBlock, ThinkingSetting, ToolChoice } from '../../providers/llm-provider';
import { BodyReader, isObject, Json, MAX_OUTPUT_TOKENS } from './body-reader';

const THINKING_TYPES = ['enabled', 'adaptive', 'between_tools', 'disabled'] as const;
const THINKING_DISPLAYS = ['summarized', 'omitted'] as const;
/** Anthropic's lower bound on a thinking budget. */
const MIN_THINKING_BUDGET = 1_024;

/**
 * Anthropic's `thinking`, checked as Anthropic checks it (a budget of at least 1,024 tokens, below
 * max_tokens, with `enabled`), so the mistake is named before any call; `maxTokens` undefined skips
 * the comparison (count_tokens has none; a chat completion without one gets its model's maximum), and
 * `maxTokensField` is what the request calls it.
 */
export function readThinking(r: BodyReader, maxTokens: number | undefined, maxTokensField = 'max_tokens'): ThinkingSetting | undefined {
  const thinking = r.object('thinking');
  if (thinking === undefined) return undefined;
  const type = r.oneOf('type', THINKING_TYPES, thinking, 'thinking.type');
  if (type === undefined) {
    if (thinking.type === undefined || thinking.type === null) r.problem('thinking.type', `required: ${THINKING_TYPES.join(', ')}`);
    return undefined;
  }
  const display = r.oneOf('display', THINKING_DISPLAYS, thinking, 'thinking.display');
  if (type !== 'enabled') return { type, ...(display && type !== 'disabled' ? { display } : {}) };
  const budget = thinking.budget_tokens;
  if (typeof budget !== 'number' || !Number.isInteger(budget) || budget < MIN_THINKING_BUDGET || budget > MAX_OUTPUT_TOKENS) {
    return r.problem('thinking.budget_tokens', `required with type enabled: an integer of at least ${MIN_THINKING_BUDGET} (and at most ${MAX_OUTPUT_TOKENS})`);
  }
  if (maxTokens !== undefined && budget >= maxTokens) {
    return r.problem('thinking.budget_tokens', `must be less than ${maxTokensField} (${maxTokens}): thinking is part of the output ${maxTokensField} caps`);
  }
  return { type, budgetTokens: budget, ...(display ? { display } : {}) };
}

/**
 * A thinking block of an earlier answer, passed back as it came: its text and signature (which Anthropic
 * checks), or a redacted block's data. `where` names the block in the problem.
 */
export function readThinkingBlock(r: BodyReader, block: Json, where: string): ReasoningBlock | undefined {
  if (block.type === 'redacted_thinking') {
    return typeof block.data === 'string' ? { type: 'redacted_thinking', data: block.data } : r.problem(`${where}.data`, 'expected a string');
  }
  if (block.type !== 'thinking') return r.problem(`${where}.type`, 'expected thinking or redacted_thinking');
  if (typeof block.thinking !== 'string') return r.problem(`${where}.thinking`, 'expected a string');
  if (typeof block.signature !== 'string') return r.problem(`${where}.signature`, 'expected the signature the thinking block came with');
  return { type: 'thinking', thinking: block.thinking, signature: block.signature };
}

/** A thinking block as Anthropic answers it, signature and all (the client passes it back in a later turn). */
export function thinkingBlockJson(block: ReasoningBlock): Json {
  return block.type === 'thinking'
    ? { type: 'thinking', thinking: block.thinking, signature: block.signature }
    : { type: 'redacted_thinking', data: block.data };
}

/**
 * With thinking on, Anthropic takes tool results only after the thinking that led to the calls: the last
 * assistant turn, when it called tools, must bring its thinking back. Said here, naming where the client
 * left it out (`field` of the message's index), rather than as Anthropic's 400 about content blocks the
 * client never wrote.
 */
export function checkThinkingPassedBack(r: BodyReader, messages: readonly ChatMessage[], field: (index: number) => string): void {
  let last = -1;
  for (let i = messages.length - 1; i >= 0 && last < 0; i--) if (messages[i].role === 'assistant') last = i;
  if (last < 0) return;
  const message = messages[last];
  if (!message.toolCalls || message.toolCalls.length === 0 || message.reasoning) return;
  r.problem(
    field(last),
    'with thinking on, the tool calls of the last assistant turn need the thinking it was answered with: ' +
      'pass the answer back as it came, or leave thinking off',
  );
}

/**
 * A signed thinking block as the Responses API carries reasoning to pass back: a reasoning item's opaque
 * `encrypted_content` (base64 of the block's JSON; the block is signed by Anthropic, not secret).
 */
export function encodeThinkingBlock(block: ReasoningBlock): string {
  return Buffer.from(JSON.stringify(thinkingBlockJson(block))).toString('base64');
}

/** The thinking block a reasoning item's `encrypted_content` holds, or undefined when it holds none of LLMHub's (OpenAI's own, say). */
export function decodeThinkingBlock(encoded: string): ReasoningBlock | undefined {
  let block: unknown;
  try {
    block = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isObject(block)) return undefined;
  if (block.type === 'redacted_thinking' && typeof block.data === 'string') return { type: 'redacted_thinking', data: block.data };
  if (block.type === 'thinking' && typeof block.thinking === 'string' && typeof block.signature === 'string') {
    return { type: 'thinking', thinking: block.thinking, signature: block.signature };
  }
  return undefined;
}

/**
 * What Anthropic refuses beside thinking on, named before the call: a forced tool (tool_choice `any` or a
 * named tool; OpenAI's `required` or a named function), and so a JSON answer format, which LLMHub asks of
 * Claude as one forced tool (`formatField` names the request's field for it).
 */
export function checkThinkingOptions(
  r: BodyReader,
  thinking: ThinkingSetting | undefined,
  options: { toolChoice?: ToolChoice; jsonFormat?: boolean; formatField?: string },
): void {
  if (!thinking || thinking.type === 'disabled') return;
  if (options.toolChoice === 'required' || typeof options.toolChoice === 'object') {
    r.problem('tool_choice', 'Anthropic takes no forced tool use with thinking on: let the model choose (auto), or leave thinking off');
  }
  if (options.jsonFormat && options.formatField) {
    r.problem(options.formatField, 'a JSON answer is a forced tool for Claude, which Anthropic takes not with thinking on: leave one of them off');
  }
}
