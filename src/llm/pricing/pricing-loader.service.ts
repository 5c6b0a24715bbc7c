import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import Decimal from 'decimal.js';
import { Repository } from 'typeorm';
import { APP_CONFIG } from '../../config/config.module';
import { AppConfig } from '../../config/env.schema';
import { ModelPriceOverride } from './model-price.entity';
import { parsePriceOverrides, PricingService } from './pricing.service';

/** how often other instances pick up a price edited in the console */
const REFRESH_MS = 15_000;

/** numeric(18,6) comes back as "0.150000": shown and compared as "0.15" */
const plain = (value: string): string => new Decimal(value).toFixed();

/**
 * Prices in force: the shipped table, then PRICE_OVERRIDES from the
 * environment, then the prices edited in the console (model_prices) on top.
 * Reloaded at start, after a console edit, and when another instance changed
 * the table (a cheap fingerprint query every REFRESH_MS).
 */
@Injectable()
export class PricingLoader implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('PricingLoader');
  private timer?: NodeJS.Timeout;
  private fingerprint = '';
  private consoleModelIds: ReadonlySet<string> = new Set();
  /** reloads run one after another, so an older read never lands last */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly pricing: PricingService,
    @InjectRepository(ModelPriceOverride) private readonly rows: Repository<ModelPriceOverride>,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => void this.reloadIfChanged(), REFRESH_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Models whose price in force was set in the console. */
  consoleModels(): ReadonlySet<string> {
    return this.consoleModelIds;
  }

  reload(): Promise<void> {
    const next = this.queue.then(() => this.load());
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async load(): Promise<void> {
    const fromEnv = this.config.priceOverrides ? parsePriceOverrides(this.config.priceOverrides) : {};
    // fingerprint first: a change landing in between is seen by the next poll
    const fingerprint = await this.currentFingerprint();
    const rows = await this.rows.find();
    const fromConsole = Object.fromEntries(
      rows.map((row) => [
        row.model,
        {
          inputPerM: plain(row.inputPerM),
          outputPerM: plain(row.outputPerM),
          ...(row.cachedInputPerM !== null ? { cachedInputPerM: plain(row.cachedInputPerM) } : {}),
          ...(row.cacheWritePerM !== null ? { cacheWritePerM: plain(row.cacheWritePerM) } : {}),
        },
      ]),
    );
    this.pricing.setOverrides({ ...fromEnv, ...fromConsole });
    this.consoleModelIds = new Set(rows.map((row) => row.model));
    this.fingerprint = fingerprint;
  }

  private async currentFingerprint(): Promise<string> {
    const [{ fp }] = await this.rows.query<{ fp: string }[]>(
      `SELECT coalesce(md5(string_agg(model || '|' || updated_at::text, ',' ORDER BY model)), '') AS fp FROM model_prices`,
    );
    return String(fp);
  }

  private async reloadIfChanged(): Promise<void> {
    try {
      if ((await this.currentFingerprint()) !== this.fingerprint) await this.reload();
    } catch (error) {
      this.logger.warn(`Could not refresh prices: ${(error as Error).message}`);
    }
  }
}
