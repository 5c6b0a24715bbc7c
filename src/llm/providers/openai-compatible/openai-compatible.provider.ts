import OpenAI from 'openai';
import { VERSION as OPENAI_SDK_VERSION } from 'openai/version';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import type { CreateEmbeddingResponse, EmbeddingCreateParams } from 'openai/resources/embeddings';
import type { ImageGenerateParamsNonStreaming, ImagesResponse } from 'openai/resources/images';
import {
  ChoiceFinish,
  EmbeddingRequest,
  EmbeddingResult,
  FinishReason,
  GenerateRequest,
  GenerateResult,
  ImageRequest,
  ImageResult,
  LlmProvider,
  ProviderError,
  ProviderModel,
  ProviderSettings,
  StreamEvent,
  TokenUsage,
} from '../llm-provider';
import type { ProviderDescriptor } from '../provider-descriptor';
import { toProviderError } from '../sdk-errors';
import { directChatCompletion, directChatStream } from './direct-chat';
import { DirectEndpoint, SdkCallOptions, StainlessErrors } from '../direct-call';
import {
  MaxTokensField,
  fromChatCompletion,
  fromEmbeddingResponse,
  fromImagesResponse,
  readChatChunk,
  toChatCompletionParams,
  toEmbeddingParams,
  toImageParams,
} from './openai-compatible.mapper';

const OpenAIErrors: StainlessErrors = OpenAI;

/**
 * The calls an OpenAI-shaped SDK client makes, typed by the `openai` SDK. The
 * openai client fits it directly; another SDK (groq-sdk) adapts to it in its own folder.
 */
export interface OpenAiCompatibleClient {
  createChatCompletion(params: ChatCompletionCreateParamsNonStreaming, options: SdkCallOptions): Promise<ChatCompletion>;
  streamChatCompletion(params: ChatCompletionCreateParamsStreaming, options: SdkCallOptions): Promise<AsyncIterable<ChatCompletionChunk>>;
  createEmbeddings?(params: EmbeddingCreateParams, options: SdkCallOptions): Promise<CreateEmbeddingResponse>;
  generateImages?(params: ImageGenerateParamsNonStreaming, options: SdkCallOptions): Promise<ImagesResponse>;
}

/**
 * Wraps an `openai` SDK client (OpenAI itself, or any server reached through its
 * baseURL). Chat, streamed or not, goes straight over the provider's Agent with the
 * SDK's URL, key and error classes (direct-chat.ts); everything else through the SDK.
 */
export function openAiSdkClient(sdk: OpenAI, providerId: string): OpenAiCompatibleClient {
  const headers: Record<string, string> = { 'user-agent': `OpenAI/JS ${OPENAI_SDK_VERSION}` };
  if (sdk.apiKey) headers.authorization = `Bearer ${sdk.apiKey}`;
  if (sdk.organization) headers['openai-organization'] = sdk.organization;
  if (sdk.project) headers['openai-project'] = sdk.project;
  const chat: DirectEndpoint = { providerId, url: sdk.buildURL('/chat/completions', undefined), headers, errors: OpenAIErrors };
  return {
    createChatCompletion: directChatCompletion(chat),
    streamChatCompletion: directChatStream(chat),
    createEmbeddings: (params, options) => sdk.embeddings.create(params, options),
    generateImages: (params, options) => sdk.images.generate(params, options),
  };
}

/**
 * Chat (and, where a subclass exposes them, embeddings and images) over an
 * OpenAI-shaped API. Subclasses say how to build their SDK client and may
 * adjust the request body; everything else is shared.
 */
export abstract class OpenAiCompatibleProvider implements LlmProvider {
  abstract readonly id: string;
  abstract readonly descriptor: ProviderDescriptor;
  protected settings: ProviderSettings = { enabled: false, timeoutMs: 60_000 };
  private client: OpenAiCompatibleClient | undefined;

  /** Builds the SDK client: always `baseURL: settings.baseUrl`, the key, and `maxRetries: 0` (the router retries). */
  protected abstract createClient(settings: ProviderSettings): OpenAiCompatibleClient;
  abstract listModels(): ProviderModel[];

  configure(settings: ProviderSettings): void {
    this.settings = settings;
    this.client = this.canConnect(settings) ? this.createClient(settings) : undefined;
  }

  isConfigured(): boolean {
    return this.client !== undefined;
  }

  /** Whether these settings are enough to build a client; by default a key is required. */
  protected canConnect(settings: ProviderSettings): boolean {
    return settings.enabled && Boolean(settings.apiKey);
  }

  /** The body field for the output cap; OpenAI's reasoning models override it. */
  protected maxTokensField(_model: string): MaxTokensField {
    return 'max_tokens';
  }

  protected chatParams(req: GenerateRequest): ChatCompletionCreateParamsNonStreaming {
    return toChatCompletionParams(req, this.maxTokensField(req.model));
  }

  protected imageParams(req: ImageRequest): ImageGenerateParamsNonStreaming {
    return toImageParams(req);
  }

  protected callOptions(timeoutMs: number | undefined, signal: AbortSignal): SdkCallOptions {
    return { signal, timeout: Math.max(1, Math.round(timeoutMs ?? this.settings.timeoutMs)) };
  }

  protected requireClient(): OpenAiCompatibleClient {
    if (!this.client) throw new ProviderError('auth', `Provider "${this.id}" is not configured`);
    return this.client;
  }

  async generate(req: GenerateRequest, signal: AbortSignal): Promise<GenerateResult> {
    const client = this.requireClient();
    const options = this.callOptions(req.timeoutMs, signal);
    const deadline = Date.now() + options.timeout;
    try {
      return fromChatCompletion(await client.createChatCompletion(this.chatParams(req), options));
    } catch (err) {
      throw toProviderError(err, signal, deadline);
    }
  }

  async *stream(req: GenerateRequest, signal: AbortSignal): AsyncGenerator<StreamEvent> {
    const client = this.requireClient();
    const params: ChatCompletionCreateParamsStreaming = {
      ...this.chatParams(req),
      stream: true,
      // always: without it OpenAI-shaped servers send no usage at all
      stream_options: { include_usage: true },
    };
    const options = this.callOptions(req.timeoutMs, signal);
    const deadline = Date.now() + options.timeout;
    let chunks: AsyncIterable<ChatCompletionChunk>;
    try {
      chunks = await client.streamChatCompletion(params, options);
    } catch (err) {
      throw toProviderError(err, signal, deadline);
    }
    // the timeout covers the wait for the response headers; the stream itself runs as long as it runs
    let finishReason: FinishReason | undefined;
    let usage: TokenUsage | undefined;
    // n > 1: the other choices seen, and their finishes
    const others = req.n !== undefined && req.n > 1 ? new OtherChoices() : undefined;
    try {
      for await (const chunk of chunks) {
        const reading = readChatChunk(chunk);
        for (const event of reading.events) {
          if (others && 'choice' in event && event.choice !== undefined) others.seen(event.choice);
          yield event;
        }
        finishReason = reading.finishReason ?? finishReason;
        if (reading.otherFinishes) others?.finished(reading.otherFinishes);
        usage = reading.usage ?? usage;
      }
    } catch (err) {
      throw toProviderError(err, signal);
    }
    // the SDKs end the iteration quietly when the request is aborted
    if (signal.aborted) throw new ProviderError('aborted', 'The request was aborted');
    if (finishReason === undefined || others?.unfinished()) throw new ProviderError('connection', 'The provider stream ended before it finished');
    if (usage) yield { type: 'usage', usage };
    const otherFinishes = others?.finishes();
    yield otherFinishes ? { type: 'finish', finishReason, otherFinishes } : { type: 'finish', finishReason };
  }

  /** For subclasses whose API offers embeddings: expose as `embed`. */
  protected async embedThroughClient(req: EmbeddingRequest, signal: AbortSignal): Promise<EmbeddingResult> {
    const client = this.requireClient();
    if (!client.createEmbeddings) throw new ProviderError('bad_request', `Provider "${this.id}" offers no embeddings`);
    const options = this.callOptions(req.timeoutMs, signal);
    const deadline = Date.now() + options.timeout;
    try {
      return fromEmbeddingResponse(await client.createEmbeddings(toEmbeddingParams(req), options));
    } catch (err) {
      throw toProviderError(err, signal, deadline);
    }
  }

  /** For subclasses whose API offers images: expose as `generateImage`. */
  protected async generateImageThroughClient(req: ImageRequest, signal: AbortSignal): Promise<ImageResult> {
    const client = this.requireClient();
    if (!client.generateImages) throw new ProviderError('bad_request', `Provider "${this.id}" offers no image generation`);
    const options = this.callOptions(req.timeoutMs, signal);
    const deadline = Date.now() + options.timeout;
    try {
      return fromImagesResponse(await client.generateImages(this.imageParams(req), options));
    } catch (err) {
      throw toProviderError(err, signal, deadline);
    }
  }
}

/**
 * The choices after the first of a stream with n > 1. Every choice that started must finish; a
 * server that ignores `n` streams the first alone, and the stream is answered as it came.
 */
class OtherChoices {
  private readonly started = new Set<number>();
  private readonly ends = new Map<number, FinishReason>();

  seen(choice: number): void {
    this.started.add(choice);
  }

  finished(finishes: ChoiceFinish[]): void {
    for (const f of finishes) this.ends.set(f.choice, f.finishReason);
  }

  unfinished(): boolean {
    for (const choice of this.started) if (!this.ends.has(choice)) return true;
    return false;
  }

  /** in index order; undefined when no other choice came */
  finishes(): ChoiceFinish[] | undefined {
    if (this.ends.size === 0) return undefined;
    return [...this.ends].sort(([a], [b]) => a - b).map(([choice, finishReason]) => ({ choice, finishReason }));
  }
}
