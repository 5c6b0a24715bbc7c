import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * A client's committed spend between two instants, read from the hourly cost
 * rollup (never from the log). Kept here until BillingModule exports a read
 * service for it; hours are UTC-aligned, so periods in a timezone with a
 * non-whole-hour offset are approximate at their edges.
 */
@Injectable()
export class ClientSpendRepository {
  constructor(private readonly dataSource: DataSource) {}

  async spendBetween(clientId: string, from: Date, to: Date): Promise<string> {
    const rows: { total: string | null }[] = await this.dataSource.query(
      `SELECT COALESCE(sum(cost_usd), 0)::text AS total FROM llm_hourly_costs WHERE client_id = $1 AND bucket >= $2 AND bucket < $3`,
      [clientId, from, to],
    );
    return rows[0]?.total ?? '0';
  }
}
