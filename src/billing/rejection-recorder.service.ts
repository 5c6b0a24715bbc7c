import { Injectable, Logger } from '@nestjs/common';
import { RequestWithCaller } from '../common/caller';
import type { ErrorCode } from '../common/errors/error-codes';
import { RefusedCallRecorder } from '../common/errors/refused-call.port';
import { generationEndpointOf } from '../common/generation-endpoints';
import { requestIdOf, requestPathOf } from '../common/request-id';
import type { GenerationStatus } from './generation-log.entity';
import { UsageRecorder } from './usage-recorder.service';

const STATUS_BY_CODE: Partial<Record<ErrorCode, GenerationStatus>> = {
  rate_limited: 'rate_limited',
  budget_exceeded: 'budget_exceeded',
};

/**
 * Records generation calls refused before reaching a provider (401, 403, 402, 429,
 * 422 …) with their code and zero cost, so an operator sees who is refused and
 * why (every call is one row in the usage log). Calls the gateway already recorded
 * are skipped.
 */
@Injectable()
export class RejectionRecorder implements RefusedCallRecorder {
  private readonly logger = new Logger('RejectionRecorder');

  constructor(private readonly recorder: UsageRecorder) {}

  async recordIfClientCall(req: RequestWithCaller, code: ErrorCode, message: string, httpStatus: number): Promise<void> {
    const endpoint = generationEndpointOf(requestPathOf(req));
    if (req.usageRecorded || !endpoint || (httpStatus === 404 && code === 'not_found' && !req.caller)) return;
    if (httpStatus >= 500) return; // server-side failures of non-gateway routes are in the error log, not billing
    req.usageRecorded = true;
    const body = (req.body ?? {}) as { model?: unknown; metadata?: unknown };
    try {
      await this.recorder.record({
        id: requestIdOf(req),
        createdAt: new Date(),
        clientId: req.caller?.clientId ?? null,
        apiKeyId: req.caller?.apiKeyId ?? null,
        endpoint,
        provider: null,
        model: null,
        requestedModel: typeof body.model === 'string' ? body.model.slice(0, 200) : null,
        templateId: null,
        templateName: null,
        templateVersion: null,
        inputTokens: 0,
        outputTokens: 0,
        cachedInputTokens: 0,
        costUsd: '0',
        priceUnknown: false,
        latencyMs: 0,
        ttftMs: null,
        status: STATUS_BY_CODE[code] ?? 'rejected',
        errorCode: code,
        errorMessage: message.slice(0, 500),
        attempts: 0,
        isStream: false,
        metadata: null,
      });
    } catch (error) {
      this.logger.error(`Could not record a refused call: ${(error as Error).message}`);
    }
  }
}
