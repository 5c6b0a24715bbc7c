import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AppError, ErrorDetail } from '../common/errors/app-error';
import {
  LABEL_NAME,
  PromptCreateDto,
  PromptTemplateDetailResponseDto,
  PromptTemplateListResponseDto,
  PromptVersionCreateDto,
  TemplateUpdateDto,
} from './dto/prompt.dto';
import { decodeCursor, encodeCursor, nextVersionFields, toDetailResponse, toTemplateResponse, toVersionFields } from './prompt-mapper';
import { PromptTemplate } from './prompt-template.entity';
import { DEFAULT_LABELS, PromptsRepository, PromptsTransaction } from './prompts.repository';
import { DEFAULT_LABEL, RenderedTemplate, renderSnapshot, TemplateRef } from './prompts.service';
import { assertDeclarations } from './renderer';
import { TemplateCache } from './template-cache.service';
import { assertParams } from './template-params';
import { assertTemplateSyntax } from './template-syntax';
import { TEMPLATE_TARGET_CHECK, TemplateTargetCheck } from './template-target';
import { sameWeights, VersionWeights, weightErrors } from './version-selection';
import { armVariableErrors, assertArmsNeedSameVariables } from './arm-variables';
import { assertProductionGovernsDefault, LabelTarget, requestedLabelMoves } from './label-moves';
import { isUuid } from '../common/uuid';

/**
 * Who is acting: a client (its own templates, read access to system ones,
 * templates addressed by name) or the admin (every template, by id).
 */
export type PromptActor = { kind: 'admin' } | { kind: 'client'; clientId: string };

export interface TemplateListOptions {
  limit?: number;
  cursor?: string;
  /** admin only */
  ownerClientId?: string;
  system?: boolean;
}

function invalid(details: ErrorDetail[]): AppError {
  return new AppError('validation_error', `Invalid request: ${[...new Set(details.map((d) => d.field))].join(', ')}`, details);
}

function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; driverError?: { code?: string } };
  return err.code === '23505' || err.driverError?.code === '23505';
}

/** Managing templates, versions and labels (writes clear the hot-path cache). */
@Injectable()
export class PromptLibraryService {
  private targetCheck: TemplateTargetCheck | null | undefined;

  constructor(
    private readonly repository: PromptsRepository,
    private readonly cache: TemplateCache,
    private readonly moduleRef: ModuleRef,
  ) {}

  async list(actor: PromptActor, options: TemplateListOptions): Promise<PromptTemplateListResponseDto> {
    const limit = options.limit ?? 50;
    const rows = await this.repository.list({
      visibleTo: actor.kind === 'client' ? actor.clientId : undefined,
      ownerClientId: actor.kind === 'admin' ? options.ownerClientId : undefined,
      system: actor.kind === 'admin' ? options.system : undefined,
      after: decodeCursor(options.cursor),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const ids = page.map((t) => t.id);
    const [labels, latest] = await Promise.all([this.repository.labelsOf(ids), this.repository.latestVersionNumbers(ids)]);
    return {
      items: page.map((t) =>
        toTemplateResponse(
          t,
          labels.filter((l) => l.templateId === t.id),
          latest.get(t.id) ?? 0,
        ),
      ),
      next_cursor: rows.length > limit ? encodeCursor(page[page.length - 1]) : null,
    };
  }

  async get(actor: PromptActor, key: string): Promise<PromptTemplateDetailResponseDto> {
    return this.detail(await this.locate(actor, key));
  }

  /** A client creates its own template; the admin creates a system template. Version 1 gets `production` and `latest`. */
  async create(actor: PromptActor, dto: PromptCreateDto): Promise<PromptTemplateDetailResponseDto> {
    assertTemplateSyntax({ system_prompt: dto.system_prompt, body: dto.body });
    const fields = toVersionFields(dto, null);
    assertDeclarations(fields.variables, fields.systemPrompt, fields.body);
    assertParams(fields.params);
    this.assertTarget(fields.provider, fields.model);
    const ownerClientId = actor.kind === 'client' ? actor.clientId : null;
    try {
      const detail = await this.repository.transaction(async (m) => {
        const template = await this.repository.insertTemplate(
          m,
          { name: dto.name, ownerClientId, templateType: dto.template_type ?? 'text', description: dto.description ?? null },
          fields,
          false,
        );
        return this.detail(template, m);
      });
      this.cache.invalidate();
      return detail;
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError('conflict', `A template named "${dto.name}" already exists`, [{ field: 'name', message: 'already taken' }]);
      throw e;
    }
  }

  /**
   * Adds the next version, starting from the previous one's fields and
   * overriding what is given; `latest` always moves to it, other labels only when named.
   * The texts given are checked for malformed placeholders; an inherited one is
   * not checked again (one saved before the check existed keeps rendering as it did).
   */
  async addVersion(actor: PromptActor, key: string, dto: PromptVersionCreateDto): Promise<PromptTemplateDetailResponseDto> {
    assertTemplateSyntax({ system_prompt: dto.system_prompt, body: dto.body });
    assertParams(dto.params); // inherited params are not checked again, as inherited texts are not
    const template = await this.locateWritable(actor, key);
    const detail = await this.repository.transaction(async (m) => {
      const locked = await this.repository.lockTemplate(m, template.id);
      if (!locked) throw this.notFound(key);
      if (dto.labels?.includes(DEFAULT_LABEL))
        assertProductionGovernsDefault(
          locked.name,
          locked.abWeights,
          'labels',
          `Add the version without the ${DEFAULT_LABEL} label, then either give it a weight in ab_weights, or end the test and promote it ` +
            `in one update: {"ab_weights": null, "labels": {"${DEFAULT_LABEL}": <version>}}.`,
        );
      const previous = await this.repository.latestVersion(m, template.id);
      if (!previous) throw this.notFound(key);
      const fields = nextVersionFields(previous, dto);
      assertDeclarations(fields.variables, fields.systemPrompt, fields.body);
      // an inherited provider and model are checked only with one that is given (as the texts are)
      if (dto.provider !== undefined || dto.model !== undefined) this.assertTarget(fields.provider, fields.model);
      const version = await this.repository.insertNextVersion(m, template.id, fields);
      const moves = new Map<string, LabelTarget>([['latest', { version, weights: null }]]);
      for (const label of dto.labels ?? []) moves.set(label, { version, weights: null });
      await this.applyLabels(m, actor, template, moves, true);
      return this.detail(template, m);
    });
    this.cache.invalidate();
    return detail;
  }

  /** A provider or model no call could resolve is refused now, naming it, rather than at the first call. */
  private assertTarget(provider: string | null, model: string | null): void {
    if (this.targetCheck === undefined) {
      try {
        this.targetCheck = this.moduleRef.get<TemplateTargetCheck>(TEMPLATE_TARGET_CHECK, { strict: false });
      } catch {
        this.targetCheck = null;
      }
    }
    const problems = this.targetCheck?.problems(provider, model) ?? [];
    if (problems.length > 0) {
      throw new AppError('validation_error', `${problems.map((p) => p.message).join('; ')}: a call through this version would be refused`, problems);
    }
  }

  async update(actor: PromptActor, key: string, dto: TemplateUpdateDto): Promise<PromptTemplateDetailResponseDto> {
    const template = await this.locateWritable(actor, key);
    if (dto.protected_labels !== undefined && actor.kind !== 'admin') throw new AppError('forbidden', 'Only an admin protects labels');
    const detail = await this.repository.transaction(async (m) => {
      const locked = await this.repository.lockTemplate(m, template.id);
      if (!locked) throw this.notFound(key);
      if (actor.kind !== 'admin' && dto.ab_weights !== undefined && !sameWeights(dto.ab_weights, locked.abWeights))
        await this.assertProductionUnprotected(m, locked);
      const known = await this.repository.versionNumbers(m, template.id);
      const { moves, errors } = requestedLabelMoves(dto, known);
      if (dto.ab_weights) errors.unshift(...weightErrors(dto.ab_weights, known, 'ab_weights'));
      if (errors.length > 0) throw invalid(errors);
      await this.assertSplitsAgree(m, locked, dto.ab_weights ?? null, moves);
      const production = moves.get(DEFAULT_LABEL);
      if (production) {
        const field = production.version !== null ? 'labels' : 'label_weights';
        const target = production.version !== null ? '<version>' : '{<version>: <weight>, …}';
        assertProductionGovernsDefault(
          locked.name,
          dto.ab_weights === undefined ? locked.abWeights : dto.ab_weights,
          `${field}.${DEFAULT_LABEL}`,
          `To move it, end the test in the same update: {"ab_weights": null, "${field}": {"${DEFAULT_LABEL}": ${target}}}; ` +
            `to shift traffic while the test runs, change ab_weights.`,
        );
      }
      await this.repository.updateTemplate(m, template.id, {
        description: dto.description,
        templateType: dto.template_type,
        abWeights: dto.ab_weights === undefined ? undefined : dto.ab_weights,
      });
      await this.applyLabels(m, actor, template, moves);
      for (const [label, isProtected] of Object.entries(dto.protected_labels ?? {})) {
        if (typeof isProtected !== 'boolean') throw invalid([{ field: `protected_labels.${label}`, message: 'must be true or false' }]);
        // protecting a label the template lacks (a typo, say) would answer 200 and protect nothing
        if (!(await this.repository.setLabelProtection(m, template.id, label, isProtected)))
          throw invalid([{ field: `protected_labels.${label}`, message: `the template has no label "${label}"; point it at a version (labels) first` }]);
      }
      return this.detail(template, m);
    });
    this.cache.invalidate();
    return detail;
  }

  /**
   * Every split this update sets (ab_weights, a label's weights) serves versions that require the
   * same variables: otherwise a caller's variables fit one arm and are refused on the others' share.
   */
  private async assertSplitsAgree(
    m: PromptsTransaction,
    template: PromptTemplate,
    abWeights: VersionWeights | null,
    moves: ReadonlyMap<string, LabelTarget>,
  ): Promise<void> {
    const splits: [string, VersionWeights][] = [];
    if (abWeights) splits.push(['ab_weights', abWeights]);
    for (const [label, target] of moves) if (target?.weights) splits.push([`label_weights.${label}`, target.weights]);
    if (splits.length === 0) return;
    const variablesOf = new Map((await this.repository.versionsOf(template.id, m)).map((v) => [v.version, v.variables]));
    assertArmsNeedSameVariables(
      splits.flatMap(([field, weights]) => armVariableErrors(weights, variablesOf, field)),
      template.name,
    );
  }

  /** A client cannot delete a template an admin protected a label of: it would take the label with it. */
  async remove(actor: PromptActor, key: string): Promise<void> {
    const template = await this.locateWritable(actor, key);
    await this.repository.transaction(async (m) => {
      if (!(await this.repository.lockTemplate(m, template.id))) throw this.notFound(key);
      const guarded = actor.kind === 'admin' ? [] : (await this.repository.labelsIn(m, template.id)).filter((l) => l.isProtected).map((l) => l.label);
      if (guarded.length > 0)
        throw new AppError('forbidden', `Template "${template.name}" has protected labels (${guarded.sort().join(', ')}); only an admin can delete it`);
      await this.repository.deleteTemplate(m, template.id);
    });
    this.cache.invalidate();
  }

  /** Renders one version (or the label's or production selection) of the template a key names, strictly. */
  async render(actor: PromptActor, key: string, ref: Omit<TemplateRef, 'name'>, variables: Record<string, unknown>): Promise<RenderedTemplate> {
    const template = await this.locate(actor, key);
    return renderSnapshot(await this.cache.snapshotOf(template), ref, variables);
  }

  /** The template a key names for this actor; another client's template is a plain 404. */
  async locate(actor: PromptActor, key: string): Promise<PromptTemplate> {
    const template =
      actor.kind === 'client' ? await this.repository.findVisibleByName(actor.clientId, key) : isUuid(key) ? await this.repository.findById(key) : null;
    if (!template) throw this.notFound(key);
    return template;
  }

  private async locateWritable(actor: PromptActor, key: string): Promise<PromptTemplate> {
    const template = await this.locate(actor, key);
    if (actor.kind === 'client' && template.ownerClientId !== actor.clientId) {
      throw new AppError('forbidden', `Template "${template.name}" is a system template and is read-only`);
    }
    return template;
  }

  /** ab_weights decide default traffic as the production label does, so a protected production label guards them too. */
  private async assertProductionUnprotected(m: PromptsTransaction, template: PromptTemplate): Promise<void> {
    const production = (await this.repository.labelsIn(m, template.id)).find((l) => l.label === DEFAULT_LABEL);
    if (!production?.isProtected) return;
    throw new AppError(
      'forbidden',
      `Label "${DEFAULT_LABEL}" of template "${template.name}" is protected, and ab_weights decide which version default traffic gets: ` +
        'only an admin can start, change or end its A/B test',
      [{ field: 'ab_weights', message: `the ${DEFAULT_LABEL} label is protected; only an admin sets ab_weights` }],
    );
  }

  /** Moves, sets or removes labels; a protected label moves only by an admin. */
  private async applyLabels(
    m: PromptsTransaction,
    actor: PromptActor,
    template: PromptTemplate,
    moves: Map<string, LabelTarget>,
    toNewVersion = false,
  ): Promise<void> {
    if (moves.size === 0) return;
    const existing = new Map((await this.repository.labelsIn(m, template.id)).map((l) => [l.label, l]));
    const errors: ErrorDetail[] = [];
    for (const [label, target] of moves) {
      if (!LABEL_NAME.test(label)) errors.push({ field: `labels.${label}`, message: 'label must match ^[a-z0-9][a-z0-9._-]{0,49}$' });
      if (target === null && (DEFAULT_LABELS as readonly string[]).includes(label))
        errors.push({ field: `labels.${label}`, message: `label "${label}" cannot be removed` });
    }
    if (errors.length > 0) throw invalid(errors);
    for (const label of moves.keys()) {
      // `latest` follows a new version, protected or not; pointed back at an older one it is guarded like any label
      if (existing.get(label)?.isProtected && actor.kind !== 'admin' && !(label === 'latest' && toNewVersion)) {
        throw new AppError('forbidden', `Label "${label}" is protected; only an admin can move it`, [{ field: `labels.${label}`, message: 'protected label' }]);
      }
    }
    for (const [label, target] of moves) {
      if (target === null) await this.repository.deleteLabel(m, template.id, label);
      else await this.repository.upsertLabel(m, template.id, label, target);
      if (label === 'production' && target?.version) await this.repository.updateTemplate(m, template.id, { activeVersion: target.version });
    }
  }

  /**
   * The template as it stands; inside a write's transaction (`m`), as that write left it, so the answer
   * to a publish shows the version it made even when another publish commits right after.
   */
  private async detail(template: PromptTemplate, m?: PromptsTransaction): Promise<PromptTemplateDetailResponseDto> {
    const current = (m && (await this.repository.findById(template.id, m))) || template;
    const labels = await this.repository.labelsOf([template.id], m);
    const versions = await this.repository.versionsOf(template.id, m); // last, as in TemplateCache.snapshotOf
    return toDetailResponse(current, labels, versions);
  }

  private notFound(key: string): AppError {
    return new AppError('not_found', `Template "${key}" not found`);
  }
}
