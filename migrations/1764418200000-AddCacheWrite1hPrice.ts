import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * model_prices.cache_write_1h_per_m: the console's rate for prompt-cache writes
 * with a 1-hour TTL (Anthropic's `cache_control.ttl: "1h"`, billed dearer than
 * the default 5-minute writes of cache_write_per_m). Nullable: a price without
 * it is billed by PricingService's fallback rule. A nullable column without a
 * default is a catalogue-only change, fast on any table size.
 */
export class AddCacheWrite1hPrice1764418200000 implements MigrationInterface {
  name = 'AddCacheWrite1hPrice1764418200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE model_prices ADD COLUMN IF NOT EXISTS cache_write_1h_per_m numeric(18,6) CHECK (cache_write_1h_per_m >= 0)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE model_prices DROP COLUMN IF EXISTS cache_write_1h_per_m`);
  }
}
