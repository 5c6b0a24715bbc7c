import OpenAI from 'openai';
import { EmbeddingRequest, EmbeddingResult, ProviderModel, ProviderSettings } from '../llm-provider';
import { sdkClientOptions } from '../sdk-client-options';
import type { ProviderDescriptor } from '../provider-descriptor';
import { OpenAiCompatibleClient, OpenAiCompatibleProvider, openAiSdkClient } from '../openai-compatible/openai-compatible.provider';

/** Local servers (Ollama, LM Studio) take no key, but the openai SDK insists on one. */
const PLACEHOLDER_API_KEY = 'not-needed';

/**
 * Any OpenAI-compatible server (Ollama, vLLM, LM Studio, a proxy) configured by
 * name + base URL. One instance per configured name, so it is built with
 * `new CustomOpenAiProvider(name, models)` in a factory rather than injected.
 */
export class CustomOpenAiProvider extends OpenAiCompatibleProvider {
  readonly setupHint = "give it a base_url in CUSTOM_PROVIDERS and enable it on the console's Providers page";

  readonly descriptor: ProviderDescriptor;

  constructor(
    readonly id: string,
    private readonly models: readonly ProviderModel[] = [],
  ) {
    super();
    // named and given its models in CUSTOM_PROVIDERS, keyed in the console or by api_key there: no aliases, no env variables
    this.descriptor = {
      id,
      aliases: [],
      capabilities: [
        'chat',
        'stream',
        'embeddings',
        'response_format',
        'response_format_with_tools',
        'logprobs',
        'n',
        'reasoning_effort',
        'verbosity',
        'documents',
      ],
      models,
    };
  }

  /** A base URL is what makes a custom provider usable; the key is optional. */
  protected override canConnect(settings: ProviderSettings): boolean {
    return settings.enabled && Boolean(settings.baseUrl);
  }

  protected override createClient(settings: ProviderSettings): OpenAiCompatibleClient {
    return openAiSdkClient(new OpenAI(sdkClientOptions(this.id, settings, settings.apiKey || PLACEHOLDER_API_KEY)), this.id);
  }

  override listModels(): ProviderModel[] {
    return [...this.models];
  }

  /** Most OpenAI-compatible servers serve /embeddings; one that does not answers 404 → bad_request. */
  embed(req: EmbeddingRequest, signal: AbortSignal): Promise<EmbeddingResult> {
    return this.embedThroughClient(req, signal);
  }
}
