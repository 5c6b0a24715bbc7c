import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { isUuid } from '../common/uuid';
import type { FeedbackCreateDto, FeedbackResponseDto } from './dto/billing.dto';
import { FeedbackRepository } from './feedback.repository';

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
  constructor(private readonly feedback: FeedbackRepository) {}

  /** Upserts the caller's verdict; 404 unless the generation is the caller's own (no leak of others' ids). */
  async submit(clientId: string, requestId: string, dto: FeedbackCreateDto): Promise<FeedbackResponseDto> {
    const notFound = new AppError('not_found', `Generation ${requestId} not found`);
    if (!isUuid(requestId)) throw notFound;
    const row = await this.feedback.upsertOnOwnGeneration(clientId, requestId, {
      success: dto.success,
      score: dto.score ?? null,
      comment: dto.comment ?? null,
    });
    if (!row) throw notFound;
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
    const rows = await this.feedback.successCountsByVersion(templateId);
    return rows.map((r) => ({
      templateVersion: r.version,
      calls: r.calls,
      successes: r.successes,
      failures: r.calls - r.successes,
      feedbackCount: r.feedback,
      successRate: r.calls ? r.successes / r.calls : null,
    }));
  }
}
