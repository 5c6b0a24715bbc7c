import { Injectable, Logger } from '@nestjs/common';
import { RequestWithCaller } from '../common/caller';
import type { ErrorCode } from '../common/errors/error-codes';
import { RefusedCallRecorder } from '../common/errors/refused-call.port';
import { generationEndpointOf } from '../common/generation-endpoints';
import { ThrottledWarning } from '../common/logging/throttled-warning';
import { requestIdOf, requestPathOf } from '../common/request-id';
import type { GenerationStatus } from './generation-log.entity';
import { MetricsService } from './metrics.service';
import { UsageRecorder } from './usage-recorder.service';

const STATUS_BY_CODE: Partial<Record<ErrorCode, GenerationStatus>> = {
  rate_limited: 'rate_limited',
  budget_exceeded: 'budget_exceeded',
};

/**
 * Refused calls with no client behind them (no API key, or one that is unknown, revoked or expired) are
 * recorded at up to this rate per instance, in bursts of up to ANONYMOUS_REFUSALS_BURST: they show the
 * operator who calls with a wrong key, but anyone can send them, and a flood would otherwise write a row
 * each into the usage log. A client's own refusals are always recorded.
 */
export const ANONYMOUS_REFUSALS_PER_SECOND = 50;
export const ANONYMOUS_REFUSALS_BURST = 500;
/**
 * A token bucket: `take()` is true while the rate allows one more. (The limits' TokenBucket refills over a
 * minute and lives in auth/, which depends on billing/, not the other way round.)
 */
class Allowance {
  private tokens: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private at: number,
  ) {
    this.tokens = burst;
  }

  take(now: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + (Math.max(0, now - this.at) / 1000) * this.perSecond);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * Records generation calls refused before reaching a provider (401, 403, 402, 429,
 * 422 …) with their code and zero cost, so an operator sees who is refused and
 * why (every client's call is one row in the usage log; calls without a valid key
 * up to a rate, see ANONYMOUS_REFUSALS_PER_SECOND). Calls the gateway already
 * recorded are skipped.
 */
@Injectable()
export class RejectionRecorder implements RefusedCallRecorder {
  private readonly logger = new Logger('RejectionRecorder');
  /** the clock (tests set their own) */
  now: () => number = Date.now;
  private readonly anonymous = new Allowance(ANONYMOUS_REFUSALS_PER_SECOND, ANONYMOUS_REFUSALS_BURST, this.now());
  private unrecorded = 0;
  private readonly unrecordedWarning = new ThrottledWarning(
    this.logger,
    `Calls without a valid API key are refused faster than ${ANONYMOUS_REFUSALS_PER_SECOND} a second`,
    60_000,
  );

  constructor(
    private readonly recorder: UsageRecorder,
    private readonly metrics: MetricsService,
  ) {}

  async recordIfClientCall(req: RequestWithCaller, code: ErrorCode, message: string, httpStatus: number): Promise<void> {
    const endpoint = generationEndpointOf(requestPathOf(req));
    if (req.usageRecorded || !endpoint || (httpStatus === 404 && code === 'not_found' && !req.caller)) return;
    if (httpStatus >= 500) return; // server-side failures of non-gateway routes are in the error log, not billing
    if (!req.caller && !this.anonymous.take(this.now())) return this.notRecorded();
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

  /** Counted in /metrics, and said in the log at most once a minute. */
  private notRecorded(): void {
    this.metrics.refusalNotRecorded();
    this.unrecorded++;
    const detail = `${this.unrecorded} not recorded in the usage log since the last such warning (llmhub_refused_calls_unrecorded_total counts them all)`;
    if (this.unrecordedWarning.warn(detail, this.now())) this.unrecorded = 0;
  }
}
