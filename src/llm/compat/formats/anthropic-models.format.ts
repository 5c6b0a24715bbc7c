import { AppError, ErrorDetail } from '../../../common/errors/app-error';
import type { ListedModel } from '../../routing/models.service';
import { ANTHROPIC_DESCRIPTOR } from '../../providers/anthropic/anthropic.descriptor';
import { knownAnthropicLimits } from '../../providers/anthropic/anthropic-output-limits';
import type { Json } from './body-reader';

/** The gateway does not know when a provider released a model: one fixed date, as the OpenAI shape's `created`. */
export const MODELS_CREATED_AT = new Date(1_700_000_000 * 1000).toISOString().replace('.000Z', 'Z');

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;

/**
 * An Anthropic ModelInfo; what the gateway does not know is null, as Anthropic sends it when unknown. A Claude
 * model of a family LLMHub knows has its context window and largest max_tokens.
 */
export function toAnthropicModel(m: ListedModel): Json {
  const limits = m.provider === ANTHROPIC_DESCRIPTOR.id ? knownAnthropicLimits(m.id.slice(m.provider.length + 1)) : undefined;
  return {
    type: 'model',
    id: m.id,
    display_name: m.id,
    created_at: MODELS_CREATED_AT,
    capabilities: null,
    deprecated_at: null,
    lifecycle: 'active',
    line: null,
    max_input_tokens: limits?.contextWindow ?? null,
    max_tokens: limits?.maxOutputTokens ?? null,
    retires_at: null,
  };
}

export interface ModelPageQuery {
  limit?: unknown;
  after_id?: unknown;
  before_id?: unknown;
}

/**
 * One page of Anthropic's models list: `limit` (1–1000, default 20) models
 * after `after_id`, or the ones just before `before_id`; has_more says whether
 * more lie further in that direction (the SDK's auto-paging follows it).
 */
export function anthropicModelPage(models: readonly ListedModel[], query: ModelPageQuery): Json {
  const problems: ErrorDetail[] = [];
  const limit = readLimit(query.limit, problems);
  const after = readCursor('after_id', query.after_id, models, problems);
  const before = readCursor('before_id', query.before_id, models, problems);
  if (after !== undefined && before !== undefined) problems.push({ field: 'before_id', message: 'give after_id or before_id, not both' });
  if (problems.length > 0) {
    throw new AppError('validation_error', `Invalid request: ${problems.map((p) => p.field).join(', ')} (${problems[0].message})`, problems);
  }
  let start: number;
  let end: number;
  if (before !== undefined) {
    end = before;
    start = Math.max(0, end - limit);
  } else {
    start = after === undefined ? 0 : after + 1;
    end = Math.min(models.length, start + limit);
  }
  const data = models.slice(start, end).map(toAnthropicModel);
  return {
    data,
    has_more: before !== undefined ? start > 0 : end < models.length,
    first_id: data.length > 0 ? data[0].id : null,
    last_id: data.length > 0 ? data[data.length - 1].id : null,
  };
}

function readLimit(value: unknown, problems: ErrorDetail[]): number {
  if (value === undefined) return DEFAULT_LIMIT;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) {
    problems.push({ field: 'limit', message: `expected an integer from 1 to ${MAX_LIMIT}` });
    return DEFAULT_LIMIT;
  }
  return n;
}

/** The index of the model a cursor names; one this key cannot list is refused rather than read as the start. */
function readCursor(field: string, value: unknown, models: readonly ListedModel[], problems: ErrorDetail[]): number | undefined {
  if (value === undefined) return undefined;
  const index = typeof value === 'string' ? models.findIndex((m) => m.id === value) : -1;
  if (index < 0) {
    problems.push({ field, message: 'expected the id of a model in this list' });
    return undefined;
  }
  return index;
}
