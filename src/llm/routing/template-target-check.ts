import { Injectable } from '@nestjs/common';
import { AppError, ErrorDetail } from '../../common/errors/app-error';
import type { TemplateTargetCheck } from '../../prompts/template-target';
import { ModelResolver } from './model-resolver.service';

/** A template version's provider and model, resolved as a call through it would resolve them. */
@Injectable()
export class ResolverTemplateTargetCheck implements TemplateTargetCheck {
  constructor(private readonly resolver: ModelResolver) {}

  problems(provider: string | null, model: string | null): ErrorDetail[] {
    if (provider === null && model === null) return [];
    try {
      // a model names its provider (or is known to the catalog); a provider alone must be one the server knows.
      // Not only the providers configured now: a template may be written before its provider is set up.
      if (model !== null) this.resolver.resolve(model, provider ?? undefined, 'registered');
      else if (!this.resolver.knowsProvider(provider!)) return [{ field: 'provider', message: `unknown provider "${provider}"` }];
      return [];
    } catch (error) {
      if (error instanceof AppError && error.code === 'validation_error') return error.details;
      throw error;
    }
  }
}
