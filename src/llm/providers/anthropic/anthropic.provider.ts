import Anthropic from '@anthropic-ai/sdk';
import { Injectable } from '@nestjs/common';
import { GenerateRequest, GenerateResult, LlmProvider, ProviderError, ProviderModel, ProviderSettings, StreamEvent } from '../llm-provider';
import { sdkClientOptions } from '../sdk-client-options';
import { toProviderError } from '../sdk-errors';
import { ANTHROPIC_DESCRIPTOR } from './anthropic.descriptor';
import { AnthropicStreamReader, fromAnthropicMessage, responseFormatToolName, toAnthropicParams } from './anthropic.mapper';
import { anthropicMessagesEndpoint, directMessage, directMessageStream } from './direct-messages';

interface MessagesCalls {
  create: ReturnType<typeof directMessage>;
  stream: ReturnType<typeof directMessageStream>;
  /** count_tokens is not on the hot path: it goes through the SDK itself */
  sdk: Anthropic;
}

/**
 * Anthropic's Messages API (chat only), with `@anthropic-ai/sdk`'s URL, key,
 * types and error classes; the calls themselves go straight over the
 * provider's Agent (direct-messages.ts), skipping the SDK's per-call machinery.
 */
@Injectable()
export class AnthropicProvider implements LlmProvider {
  readonly descriptor = ANTHROPIC_DESCRIPTOR;
  readonly id = ANTHROPIC_DESCRIPTOR.id;
  private settings: ProviderSettings = { enabled: false, timeoutMs: 60_000 };
  private client: MessagesCalls | undefined;

  configure(settings: ProviderSettings): void {
    this.settings = settings;
    this.client = undefined;
    if (!settings.enabled || !settings.apiKey) return;
    const sdk = new Anthropic(sdkClientOptions(this.id, settings));
    const endpoint = anthropicMessagesEndpoint(sdk, this.id);
    this.client = { create: directMessage(endpoint), stream: directMessageStream(endpoint), sdk };
  }

  isConfigured(): boolean {
    return this.client !== undefined;
  }

  listModels(): ProviderModel[] {
    return [...ANTHROPIC_DESCRIPTOR.models];
  }

  async generate(req: GenerateRequest, signal: AbortSignal): Promise<GenerateResult> {
    const client = this.requireClient();
    const options = this.callOptions(req, signal);
    const deadline = Date.now() + options.timeout;
    try {
      return fromAnthropicMessage(await client.create(toAnthropicParams(req), options), responseFormatToolName(req));
    } catch (err) {
      throw toProviderError(err, signal, deadline);
    }
  }

  /** Anthropic's own count (POST /v1/messages/count_tokens) of the prompt a generation would send. */
  async countTokens(req: GenerateRequest, signal: AbortSignal): Promise<number> {
    const client = this.requireClient();
    const options = this.callOptions(req, signal);
    const deadline = Date.now() + options.timeout;
    const { model, messages, system, tools, tool_choice, cache_control } = toAnthropicParams(req);
    try {
      const counted = await client.sdk.messages.countTokens(
        {
          model,
          messages,
          ...(system !== undefined ? { system } : {}),
          ...(tools ? { tools } : {}),
          ...(tool_choice ? { tool_choice } : {}),
          ...(cache_control ? { cache_control } : {}),
        },
        options,
      );
      if (typeof counted?.input_tokens !== 'number') throw new ProviderError('malformed', 'Anthropic answered count_tokens without input_tokens');
      return counted.input_tokens;
    } catch (err) {
      throw toProviderError(err, signal, deadline);
    }
  }

  async *stream(req: GenerateRequest, signal: AbortSignal): AsyncGenerator<StreamEvent> {
    const client = this.requireClient();
    const reader = new AnthropicStreamReader(responseFormatToolName(req));
    const options = this.callOptions(req, signal);
    const deadline = Date.now() + options.timeout;
    let events: AsyncIterable<Anthropic.RawMessageStreamEvent>;
    try {
      events = await client.stream({ ...toAnthropicParams(req), stream: true }, options);
    } catch (err) {
      throw toProviderError(err, signal, deadline);
    }
    // the timeout covers the wait for the response headers; the stream itself runs as long as it runs
    try {
      for await (const event of events) {
        for (const out of reader.read(event)) yield out;
      }
    } catch (err) {
      throw toProviderError(err, signal);
    }
    // the SDK ends the iteration quietly when the request is aborted
    if (signal.aborted) throw new ProviderError('aborted', 'The request was aborted');
    if (!reader.stopped) throw new ProviderError('connection', 'The Anthropic stream ended before message_stop');
    yield* reader.finish();
  }

  private callOptions(req: GenerateRequest, signal: AbortSignal): { signal: AbortSignal; timeout: number } {
    return { signal, timeout: Math.max(1, Math.round(req.timeoutMs ?? this.settings.timeoutMs)) };
  }

  private requireClient(): MessagesCalls {
    if (!this.client) throw new ProviderError('auth', 'Provider "anthropic" is not configured');
    return this.client;
  }
}
