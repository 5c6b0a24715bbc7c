import { Injectable } from '@nestjs/common';
import Decimal from 'decimal.js';
import { assertFromBeforeTo } from '../common/validation/date-range';
import { AbTestResponseDto, TemplateStatsResponseDto, VersionStatsResponseDto } from './dto/template-stats.dto';
import { PromptLibraryService, PromptActor } from './prompt-library.service';
import { PromptStatsRepository, VersionStatsRow } from './prompt-stats.repository';
import { PromptsRepository } from './prompts.repository';

function average(sum: string, count: number): number | null {
  return count === 0 ? null : Math.round((Number(sum) / count) * 100) / 100;
}

export function toVersionStats(version: number, row: VersionStatsRow | undefined): VersionStatsResponseDto {
  const r = row ?? {
    version,
    requests: 0,
    successes: 0,
    feedback_count: 0,
    scored_feedback_count: 0,
    avg_feedback_score: null,
    errors: 0,
    rejected: 0,
    priced_requests: 0,
    cost_sum: null,
    input_tokens_sum: '0',
    output_tokens_sum: '0',
    latency_ms_sum: '0',
  };
  const cost = new Decimal(r.cost_sum ?? 0);
  return {
    version,
    requests: r.requests,
    successes: r.successes,
    feedback_count: r.feedback_count,
    scored_feedback_count: r.scored_feedback_count,
    avg_feedback_score: r.avg_feedback_score,
    errors: r.errors,
    rejected: r.rejected,
    success_rate: r.requests === 0 ? null : Math.round((r.successes / r.requests) * 10_000) / 10_000,
    priced_requests: r.priced_requests,
    total_cost_usd: cost.toFixed(),
    avg_cost_usd: r.priced_requests === 0 ? null : cost.div(r.priced_requests).toDecimalPlaces(10).toFixed(),
    avg_input_tokens: average(r.input_tokens_sum, r.requests),
    avg_output_tokens: average(r.output_tokens_sum, r.requests),
    avg_latency_ms: average(r.latency_ms_sum, r.requests),
  };
}

function abTest(source: string, weights: Record<string, number>, byVersion: Map<number, VersionStatsResponseDto>): AbTestResponseDto {
  const total = Object.values(weights).reduce((s, w) => s + (w > 0 ? w : 0), 0);
  const variants = Object.entries(weights)
    .map(([v, weight]) => {
      const version = Number(v);
      return {
        ...(byVersion.get(version) ?? toVersionStats(version, undefined)),
        weight,
        share: total > 0 ? Math.round((weight / total) * 10_000) / 10_000 : 0,
      };
    })
    .sort((a, b) => a.version - b.version);
  return { source, weights, variants };
}

/** Per-version usage, success rate, feedback score, cost, tokens and latency, and the A/B comparison, from the log. */
@Injectable()
export class PromptStatsService {
  constructor(
    private readonly library: PromptLibraryService,
    private readonly prompts: PromptsRepository,
    private readonly stats: PromptStatsRepository,
  ) {}

  async templateStats(actor: PromptActor, key: string, range: { from?: Date; to?: Date } = {}): Promise<TemplateStatsResponseDto> {
    assertFromBeforeTo(range.from, range.to);
    const template = await this.library.locate(actor, key);
    const [rows, versions, labels] = await Promise.all([
      this.stats.versionStats(template.id, range),
      this.prompts.versionsOf(template.id),
      this.prompts.labelsOf([template.id]),
    ]);
    const rowByVersion = new Map(rows.map((r) => [r.version, r]));
    const numbers = [...new Set([...versions.map((v) => v.version), ...rows.map((r) => r.version)])].sort((a, b) => a - b);
    const perVersion = numbers.map((n) => toVersionStats(n, rowByVersion.get(n)));
    const byVersion = new Map(perVersion.map((s) => [s.version, s]));
    const tests: AbTestResponseDto[] = [];
    if (template.abWeights) tests.push(abTest('ab_weights', template.abWeights, byVersion));
    for (const label of labels) if (label.weights) tests.push(abTest(`label:${label.label}`, label.weights, byVersion));
    return { template_id: template.id, template: template.name, versions: perVersion, ab_tests: tests };
  }
}
