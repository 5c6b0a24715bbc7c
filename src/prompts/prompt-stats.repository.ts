import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Raw per-version figures for one template, straight from the log. */
export interface VersionStatsRow {
  version: number;
  /** calls that reached a provider: success, error, cancelled */
  requests: number;
  /** success unless feedback says otherwise; errors and cancellations count against, unless feedback says success */
  successes: number;
  feedback_count: number;
  /** feedback entries with a score, and their average (exact numeric, as a decimal string; null without any) */
  scored_feedback_count: number;
  avg_feedback_score: string | null;
  errors: number;
  /** refused before a provider was called (rate limit, budget, rejected) */
  rejected: number;
  /** requests with a known cost, and their exact sum (decimal string) */
  priced_requests: number;
  cost_sum: string | null;
  input_tokens_sum: string;
  output_tokens_sum: string;
  latency_ms_sum: string;
}

/**
 * Reads of llm_generation_log joined with generation_feedback (request id =
 * log id) for template analysis. Uses the (template_id, template_version)
 * index; an admin/analysis read, never on the hot path. Reads only.
 */
@Injectable()
export class PromptStatsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async versionStats(templateId: string, range: { from?: Date; to?: Date } = {}): Promise<VersionStatsRow[]> {
    const rows: Record<string, string | number | null>[] = await this.dataSource.query(
      `SELECT l.template_version AS version,
              count(*) FILTER (WHERE l.status IN ('success','error','cancelled'))::int AS requests,
              count(*) FILTER (WHERE l.status IN ('success','error','cancelled')
                                 AND coalesce(f.success, l.status = 'success'))::int AS successes,
              count(f.request_id) FILTER (WHERE l.status IN ('success','error','cancelled'))::int AS feedback_count,
              count(f.score) FILTER (WHERE l.status IN ('success','error','cancelled'))::int AS scored_feedback_count,
              trim_scale(round(avg(f.score) FILTER (WHERE l.status IN ('success','error','cancelled')), 6))::text AS avg_feedback_score,
              count(*) FILTER (WHERE l.status = 'error')::int AS errors,
              count(*) FILTER (WHERE l.status NOT IN ('success','error','cancelled'))::int AS rejected,
              count(l.cost_usd) FILTER (WHERE l.status IN ('success','error','cancelled'))::int AS priced_requests,
              (sum(l.cost_usd) FILTER (WHERE l.status IN ('success','error','cancelled')))::text AS cost_sum,
              coalesce(sum(l.input_tokens) FILTER (WHERE l.status IN ('success','error','cancelled')), 0)::text AS input_tokens_sum,
              coalesce(sum(l.output_tokens) FILTER (WHERE l.status IN ('success','error','cancelled')), 0)::text AS output_tokens_sum,
              coalesce(sum(l.latency_ms) FILTER (WHERE l.status IN ('success','error','cancelled')), 0)::text AS latency_ms_sum
         FROM llm_generation_log l
         LEFT JOIN generation_feedback f ON f.request_id = l.id
        WHERE l.template_id = $1 AND l.template_version IS NOT NULL
          AND ($2::timestamptz IS NULL OR l.created_at >= $2)
          AND ($3::timestamptz IS NULL OR l.created_at < $3)
        GROUP BY l.template_version
        ORDER BY l.template_version`,
      [templateId, range.from ?? null, range.to ?? null],
    );
    return rows.map((r) => ({
      version: Number(r.version),
      requests: Number(r.requests),
      successes: Number(r.successes),
      feedback_count: Number(r.feedback_count),
      scored_feedback_count: Number(r.scored_feedback_count),
      avg_feedback_score: r.avg_feedback_score === null ? null : String(r.avg_feedback_score),
      errors: Number(r.errors),
      rejected: Number(r.rejected),
      priced_requests: Number(r.priced_requests),
      cost_sum: r.cost_sum === null ? null : String(r.cost_sum),
      input_tokens_sum: String(r.input_tokens_sum),
      output_tokens_sum: String(r.output_tokens_sum),
      latency_ms_sum: String(r.latency_ms_sum),
    }));
  }
}
