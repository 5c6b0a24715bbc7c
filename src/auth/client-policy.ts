import type { BudgetPeriod } from './api-client.entity';

/** What the limits service needs about a client beyond the Caller: its budget. */
export interface ClientBudgetPolicy {
  budgetUsd: string | null;
  budgetPeriod: BudgetPeriod;
  budgetTimezone: string;
  budgetAlertThreshold: string | null;
}
