import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { BillingModule } from '../billing/billing.module';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig } from '../config/env.schema';
import { PromptsModule } from '../prompts/prompts.module';
import { AnthropicCompatController } from './compat/anthropic-compat.controller';
import { TokenCountService } from './compat/token-count.service';
import { OpenAiCompatController } from './compat/openai-compat.controller';
import { OpenAiResponsesController } from './compat/openai-responses.controller';
import { EmbeddingsService } from './generation/embeddings.service';
import { GenerateContentService } from './generation/generate-content.service';
import { GenerateController } from './generation/generate.controller';
import { GenerationPlanner } from './generation/generation-planner.service';
import { ImagesController } from './generation/images.controller';
import { ImagesService } from './generation/images.service';
import { LlmService } from './generation/llm.service';
import { PlaygroundService } from './generation/playground.service';
import { StreamGenerationService } from './generation/stream-generation.service';
import { TokensService } from './generation/tokens.service';
import { UsageAccountingService } from './generation/usage-accounting.service';
import { ModelCatalog } from './routing/model-catalog';
import { ModelResolver } from './routing/model-resolver.service';
import { ResolverTemplateTargetCheck } from './routing/template-target-check';
import { TEMPLATE_TARGET_CHECK } from '../prompts/template-target';
import { ModelsService } from './routing/models.service';
import { RouterService } from './routing/router.service';
import { ModelPriceOverride } from './pricing/model-price.entity';
import { ModelPricesRepository } from './pricing/model-prices.repository';
import { PricesService } from './pricing/prices.service';
import { PricingLoader } from './pricing/pricing-loader.service';
import { PricingService } from './pricing/pricing.service';
import { BUILTIN_PROVIDERS } from './providers/builtin-providers';
import { CustomOpenAiProvider } from './providers/custom/custom-openai.provider';
import { LLM_PROVIDERS, LlmProvider } from './providers/llm-provider';
import { ProviderNamesModule } from './providers/provider-names.module';
import { ProviderRegistry } from './providers/provider-registry';
import { PROVIDER_STRATEGIES } from './providers/provider-strategies';
import { ProviderAdminService } from './providers/settings/provider-admin.service';
import { ProviderSetting } from './providers/settings/provider-setting.entity';
import { ProviderSettingsRepository } from './providers/settings/provider-settings.repository';
import { ProviderSettingsService } from './providers/settings/provider-settings.service';

/** Every built-in strategy, in BUILTIN_PROVIDERS order; nothing else here names providers. */
const PROVIDER_CLASSES = BUILTIN_PROVIDERS.map((d) => PROVIDER_STRATEGIES[d.id]);

/** One CustomOpenAiProvider per CUSTOM_PROVIDERS entry (configured by name + base URL). */
const CUSTOM_PROVIDERS = Symbol('CUSTOM_PROVIDERS');

@Module({
  imports: [TypeOrmModule.forFeature([ProviderSetting, ModelPriceOverride]), ProviderNamesModule, AuthModule, PromptsModule, BillingModule],
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
    ProviderSettingsRepository,
    ProviderSettingsService,
    ModelPricesRepository,
    PricingService,
    PricingLoader,
    PricesService,
    PlaygroundService,
    ProviderAdminService,
    ModelCatalog,
    ModelResolver,
    // template versions are checked on save against the providers this server knows (PromptLibraryService)
    { provide: TEMPLATE_TARGET_CHECK, useClass: ResolverTemplateTargetCheck },
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
    TokenCountService,
  ],
  controllers: [GenerateController, ImagesController, OpenAiCompatController, OpenAiResponsesController, AnthropicCompatController],
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
