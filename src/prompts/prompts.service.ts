import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import type { SplitVariables } from './arm-variables';
import { renderVersion } from './renderer';
import { TemplateCache, TemplateSnapshot } from './template-cache.service';
import { hasPositiveWeight, selectVersion } from './version-selection';

/** Which template a caller wants, and which version of it (a version number or a label; default `production`). */
export interface TemplateRef {
  name: string;
  version?: number;
  label?: string;
  /** keeps one subject (user, account, …) on one version while A/B weights stand */
  subject?: string;
}

export interface RenderedTemplate {
  templateId: string;
  templateName: string;
  version: number;
  systemPrompt: string | null;
  prompt: string;
  provider: string | null;
  model: string | null;
  params: Record<string, unknown>;
}

export const DEFAULT_LABEL = 'production';

/** The version a reference selects, and the split that picked it when its arms' variables differ. */
interface Selection {
  version: number;
  split: SplitVariables | null;
}

/**
 * The version a reference selects: an explicit version; else the label (default
 * `production`), where the template's ab_weights, when set, decide the default
 * selection, and a label may itself carry weights.
 */
function select(snapshot: TemplateSnapshot, ref: Omit<TemplateRef, 'name'>, random: () => number): Selection {
  const { template, versions, labels } = snapshot;
  if (ref.version !== undefined && ref.label !== undefined) {
    throw new AppError('validation_error', 'Give either version or label, not both', [{ field: 'label', message: 'version and label are exclusive' }]);
  }
  if (ref.version !== undefined) {
    if (!versions.has(ref.version))
      throw new AppError('not_found', `Template "${template.name}" has no version ${ref.version}`, [{ field: 'version', message: 'no such version' }]);
    return { version: ref.version, split: null };
  }
  const labelName = ref.label ?? DEFAULT_LABEL;
  if (labelName === DEFAULT_LABEL && template.abWeights && hasPositiveWeight(template.abWeights)) {
    return { version: selectVersion(template.abWeights, template.id, ref.subject, random), split: snapshot.abSplit };
  }
  const label = labels.get(labelName);
  if (!label) {
    if (labelName === DEFAULT_LABEL) return { version: template.activeVersion, split: null };
    throw new AppError('not_found', `Template "${template.name}" has no label "${labelName}"`, [{ field: 'label', message: 'no such label' }]);
  }
  if (label.weights && hasPositiveWeight(label.weights))
    return { version: selectVersion(label.weights, template.id, ref.subject, random), split: snapshot.labelSplits.get(labelName) ?? null };
  if (label.version === null)
    throw new AppError('not_found', `Label "${labelName}" points at no version`, [{ field: 'label', message: 'label points at no version' }]);
  return { version: label.version, split: null };
}

/** The version a reference selects (see select). */
export function chooseVersion(snapshot: TemplateSnapshot, ref: Omit<TemplateRef, 'name'>, random: () => number = Math.random): number {
  return select(snapshot, ref, random).version;
}

/** Renders one selected version of a snapshot. */
export function renderSnapshot(
  snapshot: TemplateSnapshot,
  ref: Omit<TemplateRef, 'name'>,
  variables: Record<string, unknown>,
  random: () => number = Math.random,
): RenderedTemplate {
  const { version: versionNumber, split } = select(snapshot, ref, random);
  const version = snapshot.versions.get(versionNumber);
  if (!version) throw new AppError('not_found', `Template "${snapshot.template.name}" has no version ${versionNumber}`);
  // a split's call is checked against every arm it may be routed to, so the pick never decides a refusal
  const texts = renderVersion(version, variables, split);
  return {
    templateId: snapshot.template.id,
    templateName: snapshot.template.name,
    version: versionNumber,
    systemPrompt: texts.systemPrompt,
    prompt: texts.prompt,
    provider: version.provider,
    model: version.model,
    params: version.params ?? {},
  };
}

/** Using templates: what the gateway calls per generation, and what the render route calls. */
@Injectable()
export class PromptsService {
  constructor(private readonly cache: TemplateCache) {}

  /**
   * Resolves `ref` for the client (its own template of that name, else the
   * system one) and renders it strictly. 404 for an unknown template, version
   * or label; 422 naming each missing, undeclared or non-text variable.
   */
  async resolveForGeneration(clientId: string, ref: TemplateRef, variables: Record<string, unknown>): Promise<RenderedTemplate> {
    const snapshot = await this.cache.visible(clientId, ref.name);
    if (!snapshot) throw new AppError('not_found', `Template "${ref.name}" not found`, [{ field: 'template', message: 'no such template' }]);
    return renderSnapshot(snapshot, ref, variables ?? {});
  }

  /** Drops cached templates (after any local write). */
  invalidate(): void {
    this.cache.invalidate();
  }
}
