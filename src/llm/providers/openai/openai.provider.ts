import { Injectable } from '@nestjs/common';
import OpenAI from 'openai';
import type { ImageGenerateParamsNonStreaming } from 'openai/resources/images';
import { EmbeddingRequest, EmbeddingResult, ImageRequest, ImageResult, ProviderModel, ProviderSettings } from '../llm-provider';
import { MaxTokensField } from '../openai-compatible/openai-compatible.mapper';
import { OpenAiCompatibleClient, OpenAiCompatibleProvider, openAiSdkClient } from '../openai-compatible/openai-compatible.provider';
import { providerFetch } from '../http-transport';
import { SDK_LOG_LEVEL } from '../sdk-errors';
import { openAiImageParams, openAiMaxTokensField } from './openai-models';
import { OPENAI_DESCRIPTOR } from './openai.descriptor';

/** OpenAI through the official `openai` SDK: chat, embeddings and images. */
@Injectable()
export class OpenAiProvider extends OpenAiCompatibleProvider {
  readonly descriptor = OPENAI_DESCRIPTOR;
  readonly id = OPENAI_DESCRIPTOR.id;

  protected override createClient(settings: ProviderSettings): OpenAiCompatibleClient {
    return openAiSdkClient(
      new OpenAI({
        apiKey: settings.apiKey,
        baseURL: settings.baseUrl,
        maxRetries: 0,
        timeout: settings.timeoutMs,
        logLevel: SDK_LOG_LEVEL,
        fetch: providerFetch(this.id),
      }),
      this.id,
    );
  }

  override listModels(): ProviderModel[] {
    return [...OPENAI_DESCRIPTOR.models];
  }

  protected override maxTokensField(model: string): MaxTokensField {
    return openAiMaxTokensField(model);
  }

  protected override imageParams(req: ImageRequest): ImageGenerateParamsNonStreaming {
    return openAiImageParams(req);
  }

  embed(req: EmbeddingRequest, signal: AbortSignal): Promise<EmbeddingResult> {
    return this.embedThroughClient(req, signal);
  }

  generateImage(req: ImageRequest, signal: AbortSignal): Promise<ImageResult> {
    return this.generateImageThroughClient(req, signal);
  }
}
