import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { BudgetPeriod } from '../billing/budget-period';

// the type lives with the periods' arithmetic (billing); the entity's users read it here as well
export type { BudgetPeriod };

/** An application that calls LLMHub (`api_clients`). Money columns stay decimal strings. */
@Entity('api_clients')
export class ApiClient {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text', { unique: true }) name!: string;
  @Column('text', { nullable: true }) description!: string | null;
  @Column('boolean', { name: 'is_active', default: true }) isActive!: boolean;
  @Column('integer', { name: 'rate_limit_rpm', nullable: true }) rateLimitRpm!: number | null;
  @Column('integer', { name: 'rate_limit_tpm', nullable: true }) rateLimitTpm!: number | null;
  @Column('numeric', { name: 'monthly_budget_usd', precision: 18, scale: 6, nullable: true }) monthlyBudgetUsd!: string | null;
  @Column('text', { name: 'budget_period', default: 'month' }) budgetPeriod!: BudgetPeriod;
  @Column('text', { name: 'budget_timezone', default: 'UTC' }) budgetTimezone!: string;
  /** fraction of the budget (0–1) at which a warning is logged and shown */
  @Column('numeric', { name: 'budget_alert_threshold', precision: 5, scale: 4, nullable: true }) budgetAlertThreshold!: string | null;
  @Column('text', { name: 'allowed_providers', array: true, nullable: true }) allowedProviders!: string[] | null;
  @Column('text', { name: 'allowed_models', array: true, nullable: true }) allowedModels!: string[] | null;
  /** default ordered fallback models for this client's requests */
  @Column('text', { name: 'fallback_models', array: true, nullable: true }) fallbackModels!: string[] | null;
  /** the period key (e.g. '2025-06') whose soft-threshold warning was already logged */
  @Column('text', { name: 'budget_alerted_period', nullable: true }) budgetAlertedPeriod!: string | null;
  @Column('jsonb', { default: () => `'{}'::jsonb` }) metadata!: Record<string, unknown>;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
