import type { ProviderDescriptor } from './provider-descriptor';
import { withoutProviderSecrets } from './provider-secrets';

/**
 * The contract every provider strategy implements. The gateway speaks this
 * neutral shape; each provider maps it to and from its own SDK's types inside
 * its own folder (no provider `if`s in shared code).
 */

export type ChatRole = 'system' | 'user' | 'assistant' | 'tool';

/**
 * A prompt-cache breakpoint (Anthropic's cache_control): the prompt up to and
 * including the marked part is cached, for 5 minutes or 1 hour. Providers that
 * cache on their own (OpenAI-shaped ones) have no such field and drop it.
 */
export interface CacheControl {
  type: 'ephemeral';
  ttl?: '5m' | '1h';
}

export interface TextPart {
  type: 'text';
  text: string;
  cacheControl?: CacheControl;
}
export interface ImagePart {
  type: 'image';
  /** https URL or data: URL */
  url: string;
  /** OpenAI's image detail level (low costs a fixed, small number of tokens); other providers ignore it */
  detail?: 'auto' | 'low' | 'high';
  cacheControl?: CacheControl;
}
/**
 * A document the model reads (Anthropic's document block, OpenAI's file part): a PDF as base64 data or at
 * a URL, or plain text. Only providers with the `documents` capability get one.
 */
export interface DocumentPart {
  type: 'document';
  source: { type: 'pdf'; data: string } | { type: 'pdf_url'; url: string } | { type: 'text'; text: string };
  /** Anthropic's title, OpenAI's file name */
  title?: string;
  /** Anthropic's context: about the document, not part of it */
  context?: string;
  /** Anthropic's citations: the answer says which passages of the document each part of it rests on */
  citations?: true;
  cacheControl?: CacheControl;
}
export type ContentPart = TextPart | ImagePart | DocumentPart;

export interface ToolCall {
  id: string;
  name: string;
  /** JSON-encoded arguments, as OpenAI sends them */
  arguments: string;
  cacheControl?: CacheControl;
}

/**
 * A piece of the model's own reasoning before its answer (Anthropic's extended thinking): its text and the
 * provider's signature over it, or a redacted piece (opaque data). Passed back in a later turn exactly as
 * received, which the provider checks: a tool-using conversation with thinking on needs them.
 */
export type ReasoningBlock = { type: 'thinking'; thinking: string; signature: string } | { type: 'redacted_thinking'; data: string };

/** The readable text of some reasoning ('' when there is none; a redacted block has none). */
export function reasoningTextOf(reasoning: readonly ReasoningBlock[] | undefined): string {
  return reasoning?.map((b) => (b.type === 'thinking' ? b.thinking : '')).join('') ?? '';
}

/**
 * The blocks of some reasoning that can go back to the model that wrote them: Anthropic's, signed (a
 * redacted block is). Reasoning read from Groq or a local server has no signature: nothing to pass back.
 */
export function signedThinkingBlocks(reasoning: readonly ReasoningBlock[] | undefined): ReasoningBlock[] {
  return reasoning?.filter((b) => b.type === 'redacted_thinking' || b.signature !== '') ?? [];
}

/**
 * Anthropic's `thinking`: off, on with a token budget (part of max_tokens), or left to the model
 * (`adaptive`, `between_tools`); `display: omitted` keeps the text back and only signs it.
 */
export interface ThinkingSetting {
  type: 'enabled' | 'adaptive' | 'between_tools' | 'disabled';
  /** with `enabled`: at least 1,024 and below max_tokens */
  budgetTokens?: number;
  display?: 'summarized' | 'omitted';
}

export interface ChatMessage {
  role: ChatRole;
  content: string | ContentPart[];
  /** assistant messages: the reasoning that came before the content, passed back unchanged */
  reasoning?: ReasoningBlock[];
  /**
   * assistant messages: the rest of the turn before it, split off where thinking came between its blocks (so that
   * the thinking stays in place); providers that keep no thinking join it back to that turn
   */
  continues?: true;
  /** assistant messages that called tools */
  toolCalls?: ToolCall[];
  /** tool result messages: the call they answer */
  toolCallId?: string;
  /** tool result messages: the tool failed (Anthropic's tool_result is_error) */
  isError?: boolean;
  /** tool result messages: a cache breakpoint on the result as a whole (Anthropic's tool_result cache_control) */
  cacheControl?: CacheControl;
  name?: string;
}

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON schema of the arguments */
  parameters: Record<string, unknown>;
  /** the caller asked for arguments that always follow the schema (OpenAI's and Anthropic's `strict`) */
  strict?: boolean;
  cacheControl?: CacheControl;
}

export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

/**
 * The shape the answer's text must take (OpenAI's response_format): any JSON
 * object, or JSON following a schema. Plain text is the default and has no value here.
 */
export type ResponseFormat =
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      jsonSchema: {
        name: string;
        description?: string;
        /** the JSON schema the answer follows */
        schema?: Record<string, unknown>;
        /** the provider enforces the schema exactly */
        strict?: boolean | null;
      };
    };

/** One token's log probability (OpenAI's logprobs entries); `bytes` is its UTF-8 bytes, null when it has none. */
export interface TokenLogprob {
  token: string;
  logprob: number;
  bytes: number[] | null;
}

/** An output token's log probability with the most likely alternatives at its position (as many as topLogprobs asked). */
export interface OutputTokenLogprob extends TokenLogprob {
  topLogprobs: TokenLogprob[];
}

/** The log probabilities of an answer's tokens: its content, or its refusal. */
export interface Logprobs {
  content: OutputTokenLogprob[] | null;
  refusal: OutputTokenLogprob[] | null;
}

/** How much a reasoning model thinks before it answers: OpenAI's values and Groq's `default` (which model takes which is the provider's to say). */
export const REASONING_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max', 'default'] as const;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];
/** How Groq shows a reasoning model's reasoning: in its own field, in think tags in the content, or not at all. */
export const REASONING_FORMATS = ['parsed', 'raw', 'hidden'] as const;
export type ReasoningFormat = (typeof REASONING_FORMATS)[number];
/** How long an answer runs: OpenAI's values. */
export const VERBOSITIES = ['low', 'medium', 'high'] as const;
export type Verbosity = (typeof VERBOSITIES)[number];

export interface GenerateRequest {
  /** the provider's own model id, without the `provider/` prefix */
  model: string;
  system?: string;
  messages: ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  /** false: at most one tool call per turn (OpenAI's parallel_tool_calls, Anthropic's disable_parallel_tool_use) */
  parallelToolCalls?: boolean;
  /** Anthropic's request-level cache_control: a breakpoint on the last cacheable block */
  cacheControl?: CacheControl;
  /** JSON output; only providers with the `response_format` capability get such a request */
  responseFormat?: ResponseFormat;
  /** answer the output tokens' log probabilities; only providers with the `logprobs` capability get such a request */
  logprobs?: boolean;
  /** with logprobs: the most likely alternatives per position, 0–20 */
  topLogprobs?: number;
  /**
   * OpenAI's `n`: this many choices, each its own answer to the same prompt; set only above 1, and only
   * for providers with the `n` capability (the provider's usage then covers every choice)
   */
  n?: number;
  /** OpenAI's `reasoning_effort`; only providers with the `reasoning_effort` capability get such a request */
  reasoningEffort?: ReasoningEffort;
  /** OpenAI's `verbosity`; only providers with the `verbosity` capability get such a request */
  verbosity?: Verbosity;
  /** Groq's `reasoning_format`; only providers with the `reasoning_format` capability get such a request */
  reasoningFormat?: ReasoningFormat;
  /** Groq's `include_reasoning`; only providers with the `include_reasoning` capability get such a request */
  includeReasoning?: boolean;
  /** Anthropic's `thinking`; only providers with the `thinking` capability get one other than disabled */
  thinking?: ThinkingSetting;
  /**
   * LLMHub's own count of the prompt (its tokenizer, not the provider's), set by the planner: a provider that must
   * send an output cap the request has none of (Anthropic) leaves the prompt its room in the context window
   */
  promptTokensEstimate?: number;
  /** upstream timeout for this attempt, set by the router */
  timeoutMs?: number;
}

/**
 * Convention for every provider: `inputTokens` is the TOTAL prompt size, and
 * `cachedInputTokens` / `cacheWriteTokens` are subsets of it (pricing bills
 * inputTokens - cached - written at the normal rate). OpenAI-shaped APIs already
 * report prompt_tokens that way; Anthropic reports the three parts separately,
 * so its provider sums input_tokens + cache_read_input_tokens + cache_creation_input_tokens.
 */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** subset of inputTokens read from the provider's prompt cache (billed at the cached rate) */
  cachedInputTokens?: number;
  /** subset of inputTokens written to the provider's prompt cache (Anthropic bills them at a premium) */
  cacheWriteTokens?: number;
  /** subset of cacheWriteTokens written with a 1-hour TTL (Anthropic bills them at a higher premium than 5-minute writes) */
  cacheWrite1hTokens?: number;
  /** reasoning tokens, already included in outputTokens */
  reasoningTokens?: number;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'error';

/** A provider's own account of why it refused (Anthropic's stop_details): each part null when it gives none. */
export interface RefusalDetails {
  /** the policy category it names (Anthropic's `cyber`, `bio`, …) */
  category: string | null;
  explanation: string | null;
}

/**
 * A passage of a document the answer rests on, as the provider gave it (Anthropic's char_location,
 * page_location, content_block_location: the cited text and where it is); passed on unchanged.
 */
export type Citation = Record<string, unknown>;

/** A stretch of the answer's text and the passages it cites (none for the text between cited stretches). */
export interface CitedText {
  text: string;
  citations: Citation[] | null;
}

/** One answer of a generation: the whole result, or one of its choices when the request asked for n > 1. */
export interface GeneratedChoice {
  text: string;
  /** `text` as the provider's text blocks, when it cited documents in it (their texts join to `text`) */
  citedText?: CitedText[];
  /** the model's reasoning before the text, when it gave any (Anthropic's thinking blocks), in its order */
  reasoning?: ReasoningBlock[];
  /**
   * the model declined to answer, in its own words (OpenAI's message.refusal, given instead of content
   * under structured outputs): kept apart from `text` so every format can say it is a refusal
   */
  refusal?: string;
  toolCalls?: ToolCall[];
  finishReason: FinishReason;
  /** with finishReason 'stop': the stop sequence that ended the output, when the provider says which (Anthropic does) */
  stopSequence?: string;
  /** with finishReason 'content_filter': why, when the provider says (Anthropic's stop_details) */
  refusalDetails?: RefusalDetails;
  /** when the request asked for logprobs and the provider answered them */
  logprobs?: Logprobs;
}

/** The first (usually the only) choice, with the call's usage; with n > 1, the other choices in `extraChoices`. */
export interface GenerateResult extends GeneratedChoice {
  /** null when the provider reported none; the gateway then counts tokens itself */
  usage: TokenUsage | null;
  /** the model id the provider says answered */
  model: string;
  /** choices 1, 2, … in index order, when the request asked for n > 1 and the provider answered more than one */
  extraChoices?: GeneratedChoice[];
}

/** The finish of a choice other than the first (n > 1). */
export interface ChoiceFinish {
  choice: number;
  finishReason: FinishReason;
}

/**
 * Text and tool-call deltas arrive as the provider sends them; a stream that
 * completes ends with at most one `usage` event followed by exactly one `finish`
 * event (the last event). A stream that ends any other way throws a ProviderError.
 * A `partial` usage event may come earlier, after the first delta: the input side
 * as the provider reported it at the start (Anthropic's message_start), which
 * is what a stream that breaks or is left later is charged for its prompt.
 * With n > 1 the deltas of every choice arrive interleaved, each naming its
 * `choice` (absent: the first); the one `finish` event carries the other
 * choices' finish reasons, and the usage covers them all. Reasoning (Anthropic's
 * thinking) comes before the text: `thinking` pieces, then the `thinking_signature`
 * that closes the block; a `redacted_thinking` block comes whole. Text that cites a document (Anthropic's
 * citations) comes as a stretch of its own: its `citation`s, its `text`, then `cited_text_end`.
 */
export type StreamEvent =
  | { type: 'thinking'; text: string }
  | { type: 'thinking_signature'; signature: string }
  | { type: 'redacted_thinking'; data: string }
  | { type: 'text'; text: string; logprobs?: OutputTokenLogprob[]; choice?: number }
  | { type: 'citation'; citation: Citation }
  | { type: 'cited_text_end' }
  /** a piece of the model's refusal (OpenAI's delta.refusal), which comes instead of text */
  | { type: 'refusal'; text: string; logprobs?: OutputTokenLogprob[]; choice?: number }
  | { type: 'tool_call_delta'; index: number; id?: string; name?: string; argumentsDelta?: string; choice?: number }
  | { type: 'usage'; usage: TokenUsage; partial?: true }
  | { type: 'finish'; finishReason: FinishReason; stopSequence?: string; refusalDetails?: RefusalDetails; otherFinishes?: ChoiceFinish[] };

export interface EmbeddingRequest {
  model: string;
  input: string[];
  dimensions?: number;
  timeoutMs?: number;
}
export interface EmbeddingResult {
  vectors: number[][];
  usage: { inputTokens: number } | null;
  model: string;
}

export interface ImageRequest {
  model: string;
  prompt: string;
  n: number;
  size: string;
  quality: string;
  responseFormat?: 'url' | 'b64_json';
  /** what else OpenAI's images API takes that changes the image: passed on as sent */
  options?: ImageOptions;
  timeoutMs?: number;
}
/** DALL·E 3's style; gpt-image's background, output format and compression, and moderation level. */
export interface ImageOptions {
  style?: 'vivid' | 'natural';
  background?: 'transparent' | 'opaque' | 'auto';
  outputFormat?: 'png' | 'jpeg' | 'webp';
  outputCompression?: number;
  moderation?: 'low' | 'auto';
}
export interface ImageResult {
  images: { url?: string; b64Json?: string; revisedPrompt?: string }[];
  /** gpt-image models report token usage; DALL·E does not */
  usage: TokenUsage | null;
}

export interface ProviderModel {
  id: string;
  kind: 'chat' | 'embedding' | 'image';
}

/** Where a provider's connection settings come from: environment, then the console (database). */
export interface ProviderSettings {
  apiKey?: string;
  /** passed to the SDK as baseURL (OpenAI's ends in /v1, Anthropic's and Groq's do not) */
  baseUrl?: string;
  enabled: boolean;
  /** per-attempt upstream timeout */
  timeoutMs: number;
}

export interface LlmProvider {
  /** 'anthropic' | 'openai' | 'groq' | 'mock' | a custom name; always `descriptor.id` */
  readonly id: string;
  /** what the gateway knows about it without calling it: aliases, capabilities, models, quirks */
  readonly descriptor: ProviderDescriptor;
  /** (re)builds the SDK client; called at start and whenever an operator edits the provider */
  configure(settings: ProviderSettings): void;
  /** false when the provider has no key / is disabled: the router answers 400 provider_not_configured */
  isConfigured(): boolean;
  /** how an operator turns this provider on, for that 400 (default: set the descriptor's key variable or use the console) */
  readonly setupHint?: string;
  /** models this provider offers, for /v1/models and model resolution (the descriptor's, for a built-in one) */
  listModels(): ProviderModel[];
  generate(req: GenerateRequest, signal: AbortSignal): Promise<GenerateResult>;
  stream(req: GenerateRequest, signal: AbortSignal): AsyncIterable<StreamEvent>;
  /**
   * The provider's own count of a request's input tokens (Anthropic's count_tokens), when it has one;
   * without it the gateway counts with its own tokenizer.
   */
  countTokens?(req: GenerateRequest, signal: AbortSignal): Promise<number>;
  embed?(req: EmbeddingRequest, signal: AbortSignal): Promise<EmbeddingResult>;
  generateImage?(req: ImageRequest, signal: AbortSignal): Promise<ImageResult>;
}

export const LLM_PROVIDERS = Symbol('LLM_PROVIDERS');

/**
 * What a provider throws when the upstream call fails: the router decides on
 * retries, fallbacks and the client-facing error from these fields alone.
 */
export class ProviderError extends Error {
  constructor(
    readonly kind: 'rate_limited' | 'server_error' | 'timeout' | 'connection' | 'bad_request' | 'auth' | 'malformed' | 'aborted',
    message: string,
    readonly status?: number,
    /** seconds, from the upstream Retry-After header */
    readonly retryAfterS?: number,
    /** the request field the provider named in its refusal (OpenAI's `param`) */
    readonly param?: string,
  ) {
    // the provider's own words can quote the key it was sent: never passed on
    super(withoutProviderSecrets(message));
    this.name = 'ProviderError';
  }

  get retryable(): boolean {
    // timeouts are not retried on the same provider (they would double the wait); fallbacks still apply
    return this.kind === 'rate_limited' || this.kind === 'server_error' || this.kind === 'connection' || this.kind === 'malformed';
  }
}
