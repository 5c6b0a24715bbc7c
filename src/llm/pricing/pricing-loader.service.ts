import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import Decimal from 'decimal.js';
import { ReloadPoller } from '../../common/reload-poller';
import { APP_CONFIG } from '../../config/config.module';
import { AppConfig } from '../../config/env.schema';
import { ModelPricesRepository } from './model-prices.repository';
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
  private readonly poller = new ReloadPoller({
    what: 'prices',
    intervalMs: REFRESH_MS,
    check: () => this.reloadIfChanged(),
    logger: new Logger('PricingLoader'),
  });
  private fingerprint = '';
  private consoleModelIds: ReadonlySet<string> = new Set();
  /** reloads run one after another, so an older read never lands last */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly pricing: PricingService,
    private readonly prices: ModelPricesRepository,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
    this.poller.start();
  }

  onApplicationShutdown(): void {
    this.poller.stop();
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
    const fingerprint = await this.prices.fingerprint();
    const rows = await this.prices.all();
    const fromConsole = Object.fromEntries(
      rows.map((row) => [
        row.model,
        {
          inputPerM: plain(row.inputPerM),
          outputPerM: plain(row.outputPerM),
          ...(row.cachedInputPerM !== null ? { cachedInputPerM: plain(row.cachedInputPerM) } : {}),
          ...(row.cacheWritePerM !== null ? { cacheWritePerM: plain(row.cacheWritePerM) } : {}),
          ...(row.cacheWrite1hPerM !== null ? { cacheWrite1hPerM: plain(row.cacheWrite1hPerM) } : {}),
        },
      ]),
    );
    this.pricing.setOverrides({ ...fromEnv, ...fromConsole });
    this.consoleModelIds = new Set(rows.map((row) => row.model));
    this.fingerprint = fingerprint;
  }

  private async reloadIfChanged(): Promise<void> {
    if ((await this.prices.fingerprint()) !== this.fingerprint) await this.reload();
  }
}
