import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BudgetRequest, RESERVATION_TTL_MS } from './limit-types';
import { unitsToUsd, usdToUnits } from './usd-units';

/** A counter untouched this long is re-seeded from the rollups (Redis may have held the truth meanwhile). */
const STALE_COUNTER = '5 minutes';

/**
 * Budget reservations in PostgreSQL, for deployments without Redis (and while
 * Redis is unreachable). One row per client and period serialises the
 * reservations of every instance; the conditional UPDATE is the atomic check.
 */
@Injectable()
export class PgBudgetStore implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('BudgetStore');
  private readonly seeded = new Map<string, number>();
  private sweeper?: NodeJS.Timeout;

  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    this.sweeper = setInterval(() => void this.releaseExpired().catch((e: unknown) => this.logger.warn(`Releasing expired reservations failed: ${String(e)}`)), 60_000);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  /** Reserves; `seedUsd` gives the period's committed spend (from the rollups) when the counter must be created. */
  async reserve(req: BudgetRequest, seed: () => Promise<string>): Promise<{ ok: boolean; usedUnits: bigint }> {
    const counterKey = `${req.clientId}:${req.periodStart.getTime()}`;
    for (let attempt = 0; ; attempt++) {
      const seededAt = this.seeded.get(counterKey);
      if (seededAt === undefined || Date.now() - seededAt > 60_000) {
        await this.seed(req, await seed());
        this.seeded.set(counterKey, Date.now());
      }
      const result = await this.tryReserve(req);
      if (result || attempt > 0) return result ?? { ok: false, usedUnits: 0n };
      // the counter vanished (cleanup): seed again
      this.seeded.delete(counterKey);
    }
  }

  private async tryReserve(req: BudgetRequest): Promise<{ ok: boolean; usedUnits: bigint } | null> {
    const amount = unitsToUsd(req.reserveUnits);
    const rows: { used: string; ok: boolean }[] = await this.dataSource.query(
      `WITH upd AS (
         UPDATE budget_counters SET reserved_usd = reserved_usd + $3::numeric, updated_at = now()
          WHERE client_id = $1 AND period_start = $2
            AND spent_usd + reserved_usd < $4::numeric AND spent_usd + reserved_usd + $3::numeric <= $4::numeric
         RETURNING spent_usd + reserved_usd AS used
       ), ins AS (
         INSERT INTO budget_reservations (id, client_id, period_start, amount_usd, expires_at)
         SELECT $5, $1, $2, $3::numeric, now() + $6 * interval '1 millisecond' FROM upd
       )
       SELECT used::text AS used, true AS ok FROM upd
       UNION ALL
       SELECT (spent_usd + reserved_usd)::text, false FROM budget_counters
        WHERE client_id = $1 AND period_start = $2 AND NOT EXISTS (SELECT 1 FROM upd)`,
      [req.clientId, req.periodStart, amount, unitsToUsd(req.limitUnits), req.reservationId, RESERVATION_TTL_MS],
    );
    const row = rows[0];
    if (!row) return null;
    return { ok: row.ok, usedUnits: usdToUnits(row.used, 'nearest') };
  }

  async settle(clientId: string, periodStart: Date, reservationId: string, actualUnits: bigint): Promise<void> {
    await this.dataSource.query(
      `WITH del AS (DELETE FROM budget_reservations WHERE id = $3 RETURNING amount_usd)
       UPDATE budget_counters
          SET reserved_usd = reserved_usd - COALESCE((SELECT amount_usd FROM del), 0),
              spent_usd = spent_usd + $4::numeric, updated_at = now()
        WHERE client_id = $1 AND period_start = $2`,
      [clientId, periodStart, reservationId, unitsToUsd(actualUnits)],
    );
  }

  private async seed(req: BudgetRequest, spentUsd: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO budget_counters (client_id, period_start, spent_usd) VALUES ($1, $2, $3::numeric)
       ON CONFLICT (client_id, period_start) DO UPDATE SET spent_usd = EXCLUDED.spent_usd, updated_at = now()
        WHERE budget_counters.reserved_usd = 0 AND budget_counters.updated_at < now() - interval '${STALE_COUNTER}'`,
      [req.clientId, req.periodStart, spentUsd],
    );
  }

  private async releaseExpired(): Promise<void> {
    await this.dataSource.query(
      `WITH gone AS (DELETE FROM budget_reservations WHERE expires_at < now() RETURNING client_id, period_start, amount_usd),
            sums AS (SELECT client_id, period_start, sum(amount_usd) AS amount FROM gone GROUP BY 1, 2)
       UPDATE budget_counters c SET reserved_usd = c.reserved_usd - s.amount
         FROM sums s WHERE c.client_id = s.client_id AND c.period_start = s.period_start`,
    );
    await this.dataSource.query(`DELETE FROM budget_counters WHERE period_start < now() - interval '40 days' AND reserved_usd = 0`);
  }
}
