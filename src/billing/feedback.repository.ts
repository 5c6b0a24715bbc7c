import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface FeedbackRow {
  request_id: string;
  success: boolean;
  /** numeric as text, exact */
  score: string | null;
  comment: string | null;
  updated_at: Date;
}

export interface Verdict {
  success: boolean;
  score: number | null;
  comment: string | null;
}

/** Per template version: calls that reached a provider, those that succeeded by feedback or outcome, and how many had feedback. */
export interface VersionSuccessRow {
  version: number;
  calls: number;
  successes: number;
  feedback: number;
}

/** Reads and writes of generation_feedback (request id = llm_generation_log id). */
@Injectable()
export class FeedbackRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Upserts the verdict on a generation of this client; null when the client has no generation of that id. */
  async upsertOnOwnGeneration(clientId: string, requestId: string, verdict: Verdict): Promise<FeedbackRow | null> {
    const rows: FeedbackRow[] = await this.dataSource.query(
      `INSERT INTO generation_feedback (request_id, client_id, success, score, comment, updated_at)
         SELECT l.id, l.client_id, $3, $4, $5, now() FROM llm_generation_log l
         WHERE l.id = $1 AND l.client_id = $2 LIMIT 1
         ON CONFLICT (request_id) DO UPDATE SET success = EXCLUDED.success, score = EXCLUDED.score,
           comment = EXCLUDED.comment, updated_at = now()
         RETURNING request_id, success, score::text AS score, comment, updated_at`,
      [requestId, clientId, verdict.success, verdict.score, verdict.comment],
    );
    return rows[0] ?? null;
  }

  /** A call succeeds when its feedback says so, or, without feedback, when its status is success; refusals are left out. */
  successCountsByVersion(templateId: string): Promise<VersionSuccessRow[]> {
    return this.dataSource.query(
      `SELECT l.template_version AS version, count(*)::int AS calls,
              count(*) FILTER (WHERE coalesce(f.success, l.status = 'success'))::int AS successes,
              count(f.request_id)::int AS feedback
       FROM llm_generation_log l LEFT JOIN generation_feedback f ON f.request_id = l.id
       WHERE l.template_id = $1 AND l.template_version IS NOT NULL
         AND l.status NOT IN ('rate_limited', 'budget_exceeded', 'rejected')
       GROUP BY l.template_version ORDER BY l.template_version`,
      [templateId],
    );
  }
}
