import type { ErrorDetail } from '../../common/errors/app-error';
import type { ProviderModel } from './llm-provider';

/** The parts of an image request whose values depend on the model. */
export interface ImageRequestShape {
  size?: string;
  n: number;
  quality?: string;
}

/**
 * What a provider can be asked to do; chat and stream are every provider's. `response_format` (JSON
 * output), `logprobs` and `n` (several choices in one call, with one usage for them all) are chat
 * options its wire format carries: a request with them for a provider without the capability is a
 * 400 naming the field. `response_format_with_tools` is response_format in a request that also has
 * tools: a provider that answers response_format through a forced tool of its own (Anthropic) cannot
 * also leave the model free to call the caller's tools, so it lacks it, and such a request is a 400
 * naming `response_format`. `tool_result_images`: a tool result may hold images (a screenshot tool's answer);
 * OpenAI-shaped tool messages hold text only, so without it such a request is a 400 naming `messages`
 * rather than the images being dropped. `reasoning_effort`: OpenAI's field for how long a reasoning model
 * thinks, and `verbosity`, how long its answer runs: passed on as sent (each changes the answer and the tokens
 * billed, so neither is ever dropped). `thinking`: Anthropic's extended thinking (a budget, or the model's
 * choice) and the signed thinking blocks passed back in later turns. `documents`: PDF (and plain-text) documents in
 * a user turn; without it such a request is a 400 naming `messages` rather than the document being dropped.
 * `reasoning_format` and `include_reasoning`: Groq's fields for how a reasoning model shows its reasoning.
 * `citations`: a document the model cites in its answer (Anthropic's citations), which a provider without
 * it would answer uncited: a 400 naming `messages` instead.
 */
export type ProviderCapability =
  | 'chat'
  | 'stream'
  | 'embeddings'
  | 'images'
  | 'response_format'
  | 'response_format_with_tools'
  | 'logprobs'
  | 'n'
  | 'reasoning_effort'
  | 'verbosity'
  | 'thinking'
  | 'reasoning_format'
  | 'include_reasoning'
  | 'documents'
  | 'citations'
  | 'tool_result_images';

/**
 * What the gateway knows about a provider before calling it, declared in the provider's own folder
 * (`<id>/<id>.descriptor.ts`) and read by everything else: alias resolution, the model catalog, the
 * environment schema, the console settings and the provider contract suite. Plain data, with no SDK
 * behind it, so configuration and auth can read it without loading the providers.
 */
export interface ProviderDescriptor {
  /** the id in `provider/model`, in the console and in usage records */
  readonly id: string;
  /** other names accepted for the id in `provider/model`, the `provider` field and allow-lists (`claude`) */
  readonly aliases: readonly string[];
  /** the environment variables of its key and base URL; none for a provider that needs no account */
  readonly env?: { readonly apiKey: string; readonly baseUrl: string };
  /** what it does besides chat and stream; the contract suite checks the strategy against it */
  readonly capabilities: readonly ProviderCapability[];
  /** the models it offers; the first of each kind is the default when a request names none */
  readonly models: readonly ProviderModel[];
  /** short or moving names of its models (`claude-sonnet` → `claude-sonnet-4-5`), bare or after its id */
  readonly modelAliases?: Readonly<Record<string, string>>;
  /**
   * A stand-in that answers without an account (the mock): MOCK_PROVIDER turns it on (`on`), off
   * (`off`), or on while no other provider is configured (`auto`).
   */
  readonly standIn?: boolean;
  /**
   * What it takes as stop sequences, checked before the call: at most `max` of them (OpenAI and Groq: 4),
   * and with `nonBlank` none made only of whitespace (Anthropic refuses "\n"); absent, no rule the gateway knows of
   */
  readonly stopSequences?: { readonly max?: number; readonly nonBlank?: boolean };
  /** the most output tokens the model writes in one answer, thinking included, where the gateway knows it */
  readonly maxOutputTokens?: (model: string) => number | undefined;
  /** the image quality the upstream assumes when a request names none (the price depends on it) */
  readonly defaultImageQuality?: (model: string) => string;
  /** the fields of an image request the model would refuse (a size, count or quality it does not make), checked before the call */
  readonly imageRequestProblems?: (model: string, req: ImageRequestShape) => ErrorDetail[];
}
