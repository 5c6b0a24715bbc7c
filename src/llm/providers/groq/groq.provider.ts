import { Injectable } from '@nestjs/common';
import Groq from 'groq-sdk';
import { VERSION as GROQ_SDK_VERSION } from 'groq-sdk/version';
import type { ChatCompletionChunk as GroqChunk } from 'groq-sdk/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { ProviderModel, ProviderSettings } from '../llm-provider';
import { sdkClientOptions } from '../sdk-client-options';
import { OpenAiCompatibleClient, OpenAiCompatibleProvider } from '../openai-compatible/openai-compatible.provider';
import { directChatCompletion, directChatStream } from '../openai-compatible/direct-chat';
import type { DirectEndpoint } from '../direct-call';
import { GROQ_DESCRIPTOR } from './groq.descriptor';

/** Groq streams report usage in `x_groq.usage` on the final chunk; `usage` is read when present too. */
export function normalizeGroqChunk(chunk: GroqChunk & { usage?: CompletionUsage | null }): ChatCompletionChunk {
  const usage = chunk.usage ?? chunk.x_groq?.usage ?? undefined;
  // same wire shape as OpenAI's chunk; groq-sdk's types differ only in optional extras
  return { ...chunk, usage: usage ?? null } as unknown as ChatCompletionChunk;
}

async function* normalizeGroqStream(chunks: AsyncIterable<ChatCompletionChunk>): AsyncGenerator<ChatCompletionChunk> {
  for await (const chunk of chunks) yield normalizeGroqChunk(chunk as unknown as GroqChunk);
}

/**
 * Groq through its own `groq-sdk`, whose API and types are OpenAI-shaped: the
 * OpenAI body is sent as is and the answers are read with the OpenAI types.
 */
@Injectable()
export class GroqProvider extends OpenAiCompatibleProvider {
  readonly descriptor = GROQ_DESCRIPTOR;
  readonly id = GROQ_DESCRIPTOR.id;

  protected override createClient(settings: ProviderSettings): OpenAiCompatibleClient {
    const sdk = new Groq(sdkClientOptions(this.id, settings));
    // the same wire format as OpenAI's: sent directly with groq-sdk's URL, key and error classes
    const chat: DirectEndpoint = {
      providerId: this.id,
      url: sdk.buildURL('/openai/v1/chat/completions', undefined),
      headers: { 'user-agent': `Groq/JS ${GROQ_SDK_VERSION}`, authorization: `Bearer ${sdk.apiKey}` },
      errors: Groq,
    };
    const stream = directChatStream(chat);
    return {
      createChatCompletion: directChatCompletion(chat),
      streamChatCompletion: async (params, options) => normalizeGroqStream(await stream(params, options)),
    };
  }

  override listModels(): ProviderModel[] {
    return [...GROQ_DESCRIPTOR.models];
  }
}
