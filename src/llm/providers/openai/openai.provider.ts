import { Injectable } from '@nestjs/common';
import OpenAI from 'openai';
import type { ImageGenerateParamsNonStreaming } from 'openai/resources/images';
import { EmbeddingRequest, EmbeddingResult, ImageRequest, ImageResult, ProviderModel, ProviderSettings } from '../llm-provider';
import { sdkClientOptions } from '../sdk-client-options';
import { MaxTokensField } from '../openai-compatible/openai-compatible.mapper';
import { OpenAiCompatibleClient, OpenAiCompatibleProvider, openAiSdkClient } from '../openai-compatible/openai-compatible.provider';
import { openAiImageParams, openAiMaxTokensField } from './openai-models';
import { OPENAI_DESCRIPTOR } from './openai.descriptor';

/** OpenAI through the official `openai` SDK: chat, embeddings and images. */
@Injectable()
export class OpenAiProvider extends OpenAiCompatibleProvider {
  readonly descriptor = OPENAI_DESCRIPTOR;
  readonly id = OPENAI_DESCRIPTOR.id;

  protected override createClient(settings: ProviderSettings): OpenAiCompatibleClient {
    return openAiSdkClient(new OpenAI(sdkClientOptions(this.id, settings)), this.id);
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
