import type { GenerationStatus } from './generation-log.entity';

/**
 * What every call hands to the UsageRecorder: one row of llm_generation_log.
 * `id` is the request id the client sees; replaying a record is idempotent.
 */
export interface UsageRecord {
  id: string;
  createdAt: Date;
  clientId: string | null;
  apiKeyId: string | null;
  /** the route, e.g. '/v1/chat/completions' */
  endpoint: string;
  provider: string | null;
  model: string | null;
  /** what the caller asked for, when a fallback answered instead */
  requestedModel: string | null;
  templateId: string | null;
  templateName: string | null;
  templateVersion: number | null;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  /** exact decimal string; null when the price is unknown */
  costUsd: string | null;
  priceUnknown: boolean;
  latencyMs: number;
  ttftMs: number | null;
  status: GenerationStatus;
  errorCode: string | null;
  errorMessage: string | null;
  attempts: number;
  isStream: boolean;
  metadata: Record<string, unknown> | null;
}
