import { Column, Entity, PrimaryColumn } from 'typeorm';

export type GenerationStatus = 'success' | 'error' | 'cancelled' | 'rate_limited' | 'budget_exceeded' | 'rejected';

/**
 * One row per call, whatever its outcome (`llm_generation_log`). The id is the
 * request_id the client sees; (id, created_at) is the key so the table can be a
 * TimescaleDB hypertable. Written by raw multi-row inserts (group commit).
 */
@Entity('llm_generation_log')
export class GenerationLog {
  @PrimaryColumn('uuid') id!: string;
  @PrimaryColumn('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('uuid', { name: 'client_id', nullable: true }) clientId!: string | null;
  @Column('uuid', { name: 'api_key_id', nullable: true }) apiKeyId!: string | null;
  @Column('text') endpoint!: string;
  @Column('text', { nullable: true }) provider!: string | null;
  @Column('text', { nullable: true }) model!: string | null;
  /** what the caller asked for, when a fallback answered instead */
  @Column('text', { name: 'requested_model', nullable: true }) requestedModel!: string | null;
  @Column('uuid', { name: 'template_id', nullable: true }) templateId!: string | null;
  @Column('text', { name: 'template_name', nullable: true }) templateName!: string | null;
  @Column('integer', { name: 'template_version', nullable: true }) templateVersion!: number | null;
  @Column('integer', { name: 'input_tokens', default: 0 }) inputTokens!: number;
  @Column('integer', { name: 'output_tokens', default: 0 }) outputTokens!: number;
  @Column('integer', { name: 'cached_input_tokens', default: 0 }) cachedInputTokens!: number;
  /** null when the model's price is unknown (price_unknown), never a silent 0 */
  @Column('numeric', { name: 'cost_usd', precision: 20, scale: 10, nullable: true }) costUsd!: string | null;
  @Column('boolean', { name: 'price_unknown', default: false }) priceUnknown!: boolean;
  @Column('integer', { name: 'latency_ms', default: 0 }) latencyMs!: number;
  @Column('integer', { name: 'ttft_ms', nullable: true }) ttftMs!: number | null;
  @Column('text') status!: GenerationStatus;
  @Column('text', { name: 'error_code', nullable: true }) errorCode!: string | null;
  @Column('text', { name: 'error_message', nullable: true }) errorMessage!: string | null;
  @Column('smallint', { default: 1 }) attempts!: number;
  @Column('boolean', { name: 'is_stream', default: false }) isStream!: boolean;
  @Column('jsonb', { nullable: true }) metadata!: Record<string, unknown> | null;
}
