import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { BillingModule } from '../billing/billing.module';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig } from '../config/env.schema';
import { PromptsModule } from '../prompts/prompts.module';
import { AnthropicCompatController } from './anthropic-compat.controller';
import { EmbeddingsService } from './embeddings.service';
import { GenerateContentService } from './generate-content.service';
import { GenerateController } from './generate.controller';
import { GenerationPlanner } from './generation-planner.service';
import { ImagesController } from './images.controller';
import { ImagesService } from './images.service';
import { LlmService } from './llm.service';
import { ModelCatalog } from './model-catalog';
import { ModelResolver } from './model-resolver.service';
import { ModelsService } from './models.service';
import { OpenAiCompatController } from './openai-compat.controller';
import { ModelPriceOverride } from './pricing/model-price.entity';
import { PricesService } from './prices.service';
import { PricingLoader } from './pricing-loader.service';
import { PricingService } from './pricing/pricing.service';
import { ProviderAdminService } from './provider-admin.service';
import { ProviderSetting } from './provider-setting.entity';
import { ProviderSettingsService } from './provider-settings.service';
import { AnthropicProvider } from './providers/anthropic/anthropic.provider';
import { CustomOpenAiProvider } from './providers/custom/custom-openai.provider';
import { GroqProvider } from './providers/groq/groq.provider';
import { LLM_PROVIDERS, LlmProvider } from './providers/llm-provider';
import { MockProvider } from './providers/mock/mock.provider';
import { OpenAiProvider } from './providers/openai/openai.provider';
import { ProviderRegistry } from './providers/provider-registry';
import { PlaygroundService } from './playground.service';
import { RouterService } from './router.service';
import { StreamGenerationService } from './stream-generation.service';
import { TokensService } from './tokens.service';
import { UsageAccountingService } from './usage-accounting.service';

/** Adding a provider = one class here (and its folder); nothing else names providers. */
const PROVIDER_CLASSES = [AnthropicProvider, OpenAiProvider, GroqProvider, MockProvider] as const;

/** One CustomOpenAiProvider per CUSTOM_PROVIDERS entry (configured by name + base URL). */
const CUSTOM_PROVIDERS = Symbol('CUSTOM_PROVIDERS');

@Module({
  imports: [TypeOrmModule.forFeature([ProviderSetting, ModelPriceOverride]), AuthModule, PromptsModule, BillingModule],
  providers: [
    ...PROVIDER_CLASSES,
    {
      provide: CUSTOM_PROVIDERS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): LlmProvider[] =>
        config.providers.custom.map(
          (c) =>
            new CustomOpenAiProvider(
              c.name,
              c.models.map((id) => ({ id, kind: 'chat' as const })),
            ),
        ),
    },
    {
      provide: LLM_PROVIDERS,
      inject: [...PROVIDER_CLASSES, CUSTOM_PROVIDERS],
      useFactory: (...all: (LlmProvider | LlmProvider[])[]): LlmProvider[] => all.flat(),
    },
    ProviderRegistry,
    ProviderSettingsService,
    PricingService,
    PricingLoader,
    PricesService,
    PlaygroundService,
    ProviderAdminService,
    ModelCatalog,
    ModelResolver,
    TokensService,
    RouterService,
    GenerationPlanner,
    UsageAccountingService,
    StreamGenerationService,
    LlmService,
    GenerateContentService,
    ImagesService,
    EmbeddingsService,
    ModelsService,
  ],
  controllers: [GenerateController, ImagesController, OpenAiCompatController, AnthropicCompatController],
  exports: [
    LlmService,
    PlaygroundService,
    ProviderSettingsService,
    PricingService,
    ProviderRegistry,
    RouterService,
    ModelsService,
    PricesService,
    ProviderAdminService,
  ],
})
export class LlmModule {}
