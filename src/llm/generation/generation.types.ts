import { Caller } from '../../common/caller';
import { AppError } from '../../common/errors/app-error';
import {
  CitedText,
  ChatMessage,
  FinishReason,
  GenerateRequest,
  GeneratedChoice,
  Logprobs,
  ReasoningBlock,
  RefusalDetails,
  StreamEvent,
  TokenUsage,
  ToolCall,
} from '../providers/llm-provider';
import { ModelTarget } from '../routing/model-resolver.service';
import type { GenerationEndpoint } from '../../common/generation-endpoints';

/** Side effects the HTTP layer wants to know about; services stay free of req/res. */
export interface GenerationHooks {
  /** the limits' x-ratelimit-* headers, once admission has passed */
  headers?(headers: Record<string, string>): void;
  /** the call's usage record has been handed to the recorder (the exception filter must not add one) */
  recorded?: () => void;
  /** ms spent waiting for providers (taken out of x-llmhub-overhead-ms) */
  upstream?(ms: number): void;
}

export interface TemplateInput {
  name: string;
  version?: number;
  label?: string;
}

/** One generation as every endpoint describes it once its own format is parsed. */
export interface GenerationInput {
  caller: Caller;
  requestId: string;
  /** the route, stored on the record */
  endpoint: GenerationEndpoint;
  /** `provider/model`, a bare model name, or undefined (the template's or the default model) */
  model?: string;
  /** narrows a bare model name to one provider */
  provider?: string;
  /** ordered fallback models; undefined = the client's default fallbacks */
  fallbacks?: string[];
  system?: string;
  messages: ChatMessage[];
  params: Pick<
    GenerateRequest,
    | 'maxTokens'
    | 'temperature'
    | 'topP'
    | 'stop'
    | 'tools'
    | 'toolChoice'
    | 'parallelToolCalls'
    | 'cacheControl'
    | 'responseFormat'
    | 'logprobs'
    | 'topLogprobs'
    | 'n'
    | 'reasoningEffort'
    | 'verbosity'
    | 'reasoningFormat'
    | 'includeReasoning'
    | 'thinking'
  >;
  template?: TemplateInput;
  variables?: Record<string, unknown>;
  /** keeps one subject on one template version during A/B tests */
  subject?: string;
  metadata?: Record<string, unknown> | null;
  hooks?: GenerationHooks;
  /** aborted when the client goes away */
  signal?: AbortSignal;
}

export interface TemplateUse {
  id: string;
  name: string;
  version: number;
}

/** A generation ready to be routed: template rendered, models resolved and allowed. */
export interface PreparedGeneration {
  caller: Caller;
  endpoint: GenerationEndpoint;
  targets: ModelTarget[];
  /** what the caller asked for (`provider/model` of the first target) */
  requestedModel: string;
  request: Omit<GenerateRequest, 'model' | 'timeoutMs'>;
  estimatedInputTokens: number;
  /** the most output the call may produce: max_tokens (or a default) for each of its choices */
  maxOutputTokens: number;
  template: TemplateUse | null;
  metadata: Record<string, unknown> | null;
}

export interface CallCost {
  usage: TokenUsage;
  /** decimal string, null when the model's price is unknown */
  costUsd: string | null;
  priceUnknown: boolean;
}

export interface GenerationOutcome extends CallCost {
  requestId: string;
  target: ModelTarget;
  requestedModel: string;
  text: string;
  /** the text as the provider's blocks, when it cited documents in it (see GeneratedChoice) */
  citedText?: CitedText[];
  /** the model's reasoning before the text, when it gave any (see GeneratedChoice) */
  reasoning?: ReasoningBlock[];
  /** the model's refusal, when it declined to answer (see GeneratedChoice) */
  refusal?: string;
  toolCalls?: ToolCall[];
  finishReason: FinishReason;
  /** the stop sequence that ended the output, when the provider said which */
  stopSequence?: string;
  /** why the provider refused, when it said (see GeneratedChoice) */
  refusalDetails?: RefusalDetails;
  /** the output tokens' log probabilities, when asked for */
  logprobs?: Logprobs;
  /** with n > 1: choices 1, 2, … (the fields above are choice 0); the usage and cost cover them all */
  extraChoices?: GeneratedChoice[];
  latencyMs: number;
  attempts: number;
  template: TemplateUse | null;
  headers: Record<string, string>;
  createdAt: Date;
}

export interface StreamStart {
  requestId: string;
  target: ModelTarget;
  requestedModel: string;
  attempts: number;
  estimatedInputTokens: number;
  createdAt: Date;
  headers: Record<string, string>;
}

export interface StreamSummary extends CallCost {
  finishReason: FinishReason;
  latencyMs: number;
  attempts: number;
}

/**
 * Where a stream goes: a format-specific writer (OpenAI chunks, Anthropic
 * events). open() comes once the first upstream event is in hand; close() only
 * after the usage record is committed, so the final event means "recorded".
 */
export interface StreamSink {
  open(start: StreamStart): void;
  event(event: StreamEvent): void;
  close(summary: StreamSummary): void;
  /** the stream failed after open(); the sink reports it in its own format and ends */
  fail(error: AppError, summary: StreamSummary): void;
}
