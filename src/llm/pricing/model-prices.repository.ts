import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ModelPriceOverride } from './model-price.entity';
import type { ModelPriceOverride as PriceFields } from './pricing.service';

/** Reads and writes of model_prices, the prices edited in the console. */
@Injectable()
export class ModelPricesRepository {
  constructor(@InjectRepository(ModelPriceOverride) private readonly rows: Repository<ModelPriceOverride>) {}

  all(): Promise<ModelPriceOverride[]> {
    return this.rows.find();
  }

  /** Changes whenever a row is added, edited or removed: cheap to poll. */
  async fingerprint(): Promise<string> {
    const [{ fp }] = await this.rows.query<{ fp: string }[]>(
      `SELECT coalesce(md5(string_agg(model || '|' || updated_at::text, ',' ORDER BY model)), '') AS fp FROM model_prices`,
    );
    return String(fp);
  }

  /** Upserts and deletes in one transaction: all or nothing. */
  async apply(upserts: readonly [model: string, price: PriceFields][], deletes: readonly string[]): Promise<void> {
    await this.rows.manager.transaction(async (manager) => {
      for (const [model, p] of upserts) {
        await manager.query(
          `INSERT INTO model_prices (model, input_per_m, output_per_m, cached_input_per_m, cache_write_per_m, cache_write_1h_per_m, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, now())
           ON CONFLICT (model) DO UPDATE SET input_per_m = EXCLUDED.input_per_m, output_per_m = EXCLUDED.output_per_m,
             cached_input_per_m = EXCLUDED.cached_input_per_m, cache_write_per_m = EXCLUDED.cache_write_per_m,
             cache_write_1h_per_m = EXCLUDED.cache_write_1h_per_m, updated_at = now()`,
          [model, p.inputPerM, p.outputPerM, p.cachedInputPerM ?? null, p.cacheWritePerM ?? null, p.cacheWrite1hPerM ?? null],
        );
      }
      if (deletes.length > 0) await manager.query(`DELETE FROM model_prices WHERE model = ANY($1::text[])`, [deletes]);
    });
  }
}
