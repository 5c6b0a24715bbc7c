import type { ErrorDetail } from '../common/errors/app-error';

/**
 * Checks the provider and model a template version names as a call through it would resolve them,
 * so a version that could never be called is refused when it is saved. The LLM module provides it
 * (prompts may not depend on llm); without it (a prompts-only context) nothing is checked.
 */
export interface TemplateTargetCheck {
  /** One detail per field a call would refuse: an unknown provider, an unknown model. */
  problems(provider: string | null, model: string | null): ErrorDetail[];
}

export const TEMPLATE_TARGET_CHECK = Symbol('TEMPLATE_TARGET_CHECK');
