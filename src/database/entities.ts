import { AdminCredential, AdminSession } from '../auth/admin-credential.entity';
import { ApiClient } from '../auth/api-client.entity';
import { ApiKey } from '../auth/api-key.entity';
import { GenerationFeedback } from '../billing/generation-feedback.entity';
import { GenerationLog } from '../billing/generation-log.entity';
import { ModelPriceOverride } from '../llm/pricing/model-price.entity';
import { ProviderSetting } from '../llm/providers/settings/provider-setting.entity';
import { PromptLabel } from '../prompts/prompt-label.entity';
import { PromptTemplate } from '../prompts/prompt-template.entity';
import { PromptVersion } from '../prompts/prompt-version.entity';

/** The explicit entity list (no globs): each module registers its own with forFeature. */
export const ENTITIES = [
  ApiClient,
  ApiKey,
  AdminCredential,
  AdminSession,
  ProviderSetting,
  ModelPriceOverride,
  PromptTemplate,
  PromptVersion,
  PromptLabel,
  GenerationLog,
  GenerationFeedback,
];
