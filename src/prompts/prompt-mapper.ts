import { AppError } from '../common/errors/app-error';
import { cursorCodec } from '../common/pagination/cursor';
import {
  PromptLabelResponseDto,
  PromptTemplateDetailResponseDto,
  PromptTemplateResponseDto,
  PromptVersionCreateDto,
  PromptVersionResponseDto,
  PromptVersionFieldsDto,
  TemplateVariableDto,
} from './dto/prompt.dto';
import { PromptLabel } from './prompt-label.entity';
import { PromptTemplate } from './prompt-template.entity';
import { PromptVersion } from './prompt-version.entity';
import { VersionFields } from './prompts.repository';
import { splitWarnings } from './arm-variables';

/** Entities → response DTOs, request DTOs → stored fields, and the list cursor. */

export function toLabelResponse(label: PromptLabel): PromptLabelResponseDto {
  return { label: label.label, version: label.version, weights: label.weights, is_protected: label.isProtected };
}

export function toTemplateResponse(template: PromptTemplate, labels: PromptLabel[], latestVersion: number): PromptTemplateResponseDto {
  return {
    id: template.id,
    name: template.name,
    template_type: template.templateType,
    description: template.description,
    owner_client_id: template.ownerClientId,
    is_system: template.ownerClientId === null,
    active_version: template.activeVersion,
    latest_version: latestVersion,
    ab_weights: template.abWeights,
    labels: labels.map(toLabelResponse),
    created_at: template.createdAt.toISOString(),
    updated_at: template.updatedAt.toISOString(),
  };
}

export function toVersionResponse(v: PromptVersion): PromptVersionResponseDto {
  return {
    version: v.version,
    system_prompt: v.systemPrompt,
    body: v.body,
    variables: v.variables.map((x) => ({ name: x.name, required: x.required, default: x.default ?? null, description: x.description ?? null })),
    provider: v.provider,
    model: v.model,
    params: v.params ?? {},
    note: v.note,
    created_at: v.createdAt.toISOString(),
  };
}

export function toDetailResponse(template: PromptTemplate, labels: PromptLabel[], versions: PromptVersion[]): PromptTemplateDetailResponseDto {
  const latest = versions.reduce((max, v) => Math.max(max, v.version), 0);
  const warnings = splitWarnings(template.abWeights, labels, new Map(versions.map((v) => [v.version, v.variables])));
  return { ...toTemplateResponse(template, labels, latest), versions: versions.map(toVersionResponse), warnings };
}

function toVariables(variables: TemplateVariableDto[] | null | undefined): VersionFields['variables'] {
  return (variables ?? []).map((v) => ({
    name: v.name,
    required: v.required ?? false,
    default: v.default ?? null,
    description: v.description ?? null,
  }));
}

export function toVersionFields(dto: PromptVersionFieldsDto, note: string | null): VersionFields {
  return {
    systemPrompt: dto.system_prompt ?? null,
    body: dto.body,
    variables: toVariables(dto.variables),
    provider: dto.provider ?? null,
    model: dto.model ?? null,
    params: dto.params ?? {},
    note,
  };
}

/** The next version: the previous one's fields, overridden by what the request gives (null clears). */
export function nextVersionFields(previous: PromptVersion, dto: PromptVersionCreateDto): VersionFields {
  if (dto.body === null)
    throw new AppError('validation_error', "body cannot be cleared; leave it out to keep the previous version's body", [
      { field: 'body', message: 'must be a non-empty string' },
    ]);
  return {
    systemPrompt: dto.system_prompt === undefined ? previous.systemPrompt : dto.system_prompt,
    body: dto.body ?? previous.body,
    variables: dto.variables === undefined ? previous.variables : toVariables(dto.variables),
    provider: dto.provider === undefined ? previous.provider : dto.provider,
    model: dto.model === undefined ? previous.model : dto.model,
    params: dto.params === undefined ? (previous.params ?? {}) : (dto.params ?? {}),
    note: dto.note ?? null,
  };
}

/** Templates by (name, id). */
export const templateCursor = cursorCodec<string>({
  layout: 'json',
  keyToText: (name) => name,
  parseKey: (text) => text,
  invalid: { message: 'Invalid cursor', detail: 'not a cursor from a previous page' },
});

export function encodeCursor(template: PromptTemplate): string {
  return templateCursor.encode({ key: template.name, id: template.id });
}

export function decodeCursor(cursor: string | undefined): { name: string; id: string } | undefined {
  const position = templateCursor.decode(cursor);
  return position && { name: position.key, id: position.id };
}
