/**
 * Extended thinking as Anthropic's Messages API does it, for the simulator: a request's `thinking`
 * (checked as Anthropic checks it), the thinking block an answer starts with (`thoughtN` words, signed),
 * an optional redacted block, and the rules for thinking blocks passed back in later turns: each one's
 * signature must match its text, and with thinking on, the last assistant turn that called a tool must
 * start with its thinking.
 */
import { createHash } from 'node:crypto';
import type { SimDirective } from './directives';

/** What a request's thinking asks for: off, or on with a budget (undefined: the model's choice) and the text shown or not. */
export type ThinkingAsk = { on: false } | { on: true; budget: number | undefined; omitted: boolean };

/** The thinking blocks an answer starts with, and how many output tokens they took. */
export interface ThinkingReply {
  blocks: ({ type: 'thinking'; thinking: string; signature: string } | { type: 'redacted_thinking'; data: string })[];
  tokens: number;
}

const DEFAULT_THINKING_TOKENS = 8;
const REDACTED_PREFIX = 'sim-redacted:';
/** words a redacted block stands for */
const REDACTED_TOKENS = 4;

/** The signature of a thinking block's text as the answer shows it (empty when the display is omitted). */
export function signThinking(shown: string): string {
  return createHash('sha256').update(`sim-thinking:${shown}`).digest('base64');
}

/** The request's thinking, or the message of Anthropic's 400 for it. */
export function thinkingAsk(body: any): ThinkingAsk | string {
  const thinking = body.thinking;
  if (thinking === undefined || thinking === null || thinking.type === 'disabled') return { on: false };
  const omitted = thinking.display === 'omitted';
  if (thinking.type === 'adaptive' || thinking.type === 'between_tools') return { on: true, budget: undefined, omitted };
  if (thinking.type !== 'enabled') return `thinking: Input tag '${String(thinking.type)}' found using 'type' does not match any of the expected tags`;
  const budget = thinking.budget_tokens;
  if (typeof budget !== 'number' || budget < 1024) return 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024';
  if (typeof body.max_tokens === 'number' && body.max_tokens <= budget) return '`max_tokens` must be greater than `thinking.budget_tokens`';
  if (body.tool_choice?.type === 'any' || body.tool_choice?.type === 'tool') return 'Thinking may not be enabled when tool_choice forces tool use.';
  return { on: true, budget, omitted };
}

/** Why Anthropic would refuse the thinking blocks of the request's earlier turns, or undefined. */
export function historyProblem(messages: any[], ask: ThinkingAsk): string | undefined {
  let lastAssistant = -1;
  for (const [i, message] of messages.entries()) {
    if (message?.role !== 'assistant' || !Array.isArray(message.content)) continue;
    lastAssistant = i;
    for (const [j, block] of message.content.entries()) {
      if (block?.type === 'thinking' && (typeof block.signature !== 'string' || block.signature !== signThinking(block.thinking ?? ''))) {
        return `messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block`;
      }
      if (block?.type === 'redacted_thinking' && !(typeof block.data === 'string' && block.data.startsWith(REDACTED_PREFIX))) {
        return `messages.${i}.content.${j}: Invalid \`data\` in \`redacted_thinking\` block`;
      }
    }
  }
  if (!ask.on || lastAssistant < 0) return undefined;
  const content = messages[lastAssistant].content;
  const first = content[0]?.type;
  if (content.some((b: any) => b?.type === 'tool_use') && first !== 'thinking' && first !== 'redacted_thinking') {
    return (
      `messages.${lastAssistant}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${String(first)}\`. ` +
      'When `thinking` is enabled, a final `assistant` message must start with a thinking block ' +
      '(preceeding the lastmost set of `tool_use` and `tool_result` blocks). We recommend you include thinking blocks from previous turns. ' +
      'To avoid this requirement, disable `thinking`.'
    );
  }
  return undefined;
}

/** The thinking an answer starts with: `thinking_tokens` words (at most the budget), signed; a redacted block if asked. */
export function thinkingReply(ask: ThinkingAsk, directive: SimDirective, seq: number): ThinkingReply {
  if (!ask.on) return { blocks: [], tokens: 0 };
  const words = Math.min(directive.thinkingTokens ?? DEFAULT_THINKING_TOKENS, ask.budget ?? Infinity);
  const text = Array.from({ length: words }, (_, i) => `thought${i + 1}`).join(' ');
  const shown = ask.omitted ? '' : text;
  const blocks: ThinkingReply['blocks'] = [{ type: 'thinking', thinking: shown, signature: signThinking(shown) }];
  if (directive.redactedThinking) blocks.push({ type: 'redacted_thinking', data: `${REDACTED_PREFIX}${seq}` });
  return { blocks, tokens: words + (directive.redactedThinking ? REDACTED_TOKENS : 0) };
}

function event(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The stream frames of the thinking blocks, from content block 0: the text in `chunks` pieces, then the signature. */
export function thinkingFrames(reply: ThinkingReply, chunks: number | undefined): string[] {
  const frames: string[] = [];
  reply.blocks.forEach((block, index) => {
    if (block.type === 'redacted_thinking') {
      frames.push(event('content_block_start', { type: 'content_block_start', index, content_block: block }));
    } else {
      frames.push(event('content_block_start', { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } }));
      const words = block.thinking === '' ? [] : block.thinking.split(' ');
      const count = Math.min(Math.max(1, chunks ?? words.length), words.length);
      for (let c = 0; c < count; c++) {
        const piece = words.slice(Math.floor((c * words.length) / count), Math.floor(((c + 1) * words.length) / count)).join(' ');
        const delta = { type: 'thinking_delta', thinking: (c === 0 ? '' : ' ') + piece };
        frames.push(event('content_block_delta', { type: 'content_block_delta', index, delta }));
      }
      frames.push(event('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: block.signature } }));
    }
    frames.push(event('content_block_stop', { type: 'content_block_stop', index }));
  });
  return frames;
}
