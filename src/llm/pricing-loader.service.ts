import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig } from '../config/env.schema';
import { ModelPriceOverride } from './pricing/model-price.entity';
import { parsePriceOverrides, PricingService } from './pricing/pricing.service';

/**
 * Prices in force at start: the shipped table, then PRICE_OVERRIDES from the
 * environment, then the prices edited in the console (model_prices) on top.
 */
@Injectable()
export class PricingLoader implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly pricing: PricingService,
    @InjectRepository(ModelPriceOverride) private readonly rows: Repository<ModelPriceOverride>,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
  }

  async reload(): Promise<void> {
    const fromEnv = this.config.priceOverrides ? parsePriceOverrides(this.config.priceOverrides) : {};
    const fromConsole = Object.fromEntries(
      (await this.rows.find()).map((row) => [
        row.model,
        {
          inputPerM: row.inputPerM,
          outputPerM: row.outputPerM,
          ...(row.cachedInputPerM !== null ? { cachedInputPerM: row.cachedInputPerM } : {}),
          ...(row.cacheWritePerM !== null ? { cacheWritePerM: row.cacheWritePerM } : {}),
        },
      ]),
    );
    this.pricing.setOverrides({ ...fromEnv, ...fromConsole });
  }
}
