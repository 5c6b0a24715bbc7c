import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError } from '../common/errors/app-error';
import type { FeedbackCreateDto, FeedbackResponseDto } from './dto/billing.dto';
import { isUuid } from '../common/uuid';

export interface TemplateVersionSuccess {
  templateVersion: number;
  /** calls that reached a provider (rejections by limits or budget are not the template's fault) */
  calls: number;
  successes: number;
  failures: number;
  feedbackCount: number;
  /** successes / calls, 0..1; null when there were no calls */
  successRate: number | null;
}

/** Callers' verdicts on their generations, and the success rates they feed. */
@Injectable()
export class FeedbackService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Upserts the caller's verdict; 404 unless the generation is the caller's own (no leak of others' ids). */
  async submit(clientId: string, requestId: string, dto: FeedbackCreateDto): Promise<FeedbackResponseDto> {
    const notFound = new AppError('not_found', `Generation ${requestId} not found`);
    if (!isUuid(requestId)) throw notFound;
    const rows: { request_id: string; success: boolean; score: string | null; comment: string | null; updated_at: Date }[] = await this.dataSource.query(
      `INSERT INTO generation_feedback (request_id, client_id, success, score, comment, updated_at)
         SELECT l.id, l.client_id, $3, $4, $5, now() FROM llm_generation_log l
         WHERE l.id = $1 AND l.client_id = $2 LIMIT 1
         ON CONFLICT (request_id) DO UPDATE SET success = EXCLUDED.success, score = EXCLUDED.score,
           comment = EXCLUDED.comment, updated_at = now()
         RETURNING request_id, success, score::text AS score, comment, updated_at`,
      [requestId, clientId, dto.success, dto.score ?? null, dto.comment ?? null],
    );
    if (rows.length === 0) throw notFound;
    const row = rows[0];
    return {
      request_id: row.request_id,
      success: row.success,
      score: row.score === null ? null : Number(row.score),
      comment: row.comment,
      updated_at: row.updated_at.toISOString(),
    };
  }

  /**
   * Success rate per version of a template: a call counts as a success when
   * its feedback says so, or, without feedback, when it succeeded; errors count against.
   */
  async templateSuccessRates(templateId: string): Promise<TemplateVersionSuccess[]> {
    const rows: { v: number; calls: number; successes: number; feedback: number }[] = await this.dataSource.query(
      `SELECT l.template_version AS v, count(*)::int AS calls,
              count(*) FILTER (WHERE coalesce(f.success, l.status = 'success'))::int AS successes,
              count(f.request_id)::int AS feedback
       FROM llm_generation_log l LEFT JOIN generation_feedback f ON f.request_id = l.id
       WHERE l.template_id = $1 AND l.template_version IS NOT NULL
         AND l.status NOT IN ('rate_limited', 'budget_exceeded', 'rejected')
       GROUP BY l.template_version ORDER BY l.template_version`,
      [templateId],
    );
    return rows.map((r) => ({
      templateVersion: r.v,
      calls: r.calls,
      successes: r.successes,
      failures: r.calls - r.successes,
      feedbackCount: r.feedback,
      successRate: r.calls ? r.successes / r.calls : null,
    }));
  }
}
