import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';
import { PriceEntryDto, PriceListDto } from './dto/prices.dto';
import { ModelPricesRepository } from './model-prices.repository';
import { PricingLoader } from './pricing-loader.service';
import { ModelPriceOverride, PricingService, toPriceOverrides } from './pricing.service';
import { ProviderRegistry } from '../providers/provider-registry';

const PRICE_FIELDS = ['input_per_m', 'output_per_m', 'cached_input_per_m', 'cache_write_per_m', 'cache_write_1h_per_m'] as const;
/** what numeric(18,6) holds exactly: at most 12 integer digits and 6 decimals */
const COLUMN_FIT = /^\d{1,12}(\.\d{1,6})?$/;

/** Models one update may set or reset (a whole provider's list fits; a runaway script does not). */
const MAX_PRICES_PER_UPDATE = 1_000;
/** The longest `provider/model` key, as long as a model a template may name. */
const MAX_MODEL_KEY_CHARS = 200;
/** Edits named one by one in the log line of an update. */
const LOGGED_EDITS = 20;

/**
 * The pricing table in force, and the console's edits to it (model_prices).
 * An edit is applied on this instance before the answer goes out, so the next
 * call is priced with it; other instances pick it up through PricingLoader's poll.
 * Costs already recorded are never touched.
 */
@Injectable()
export class PricesService {
  private readonly logger = new Logger('Prices');

  constructor(
    private readonly pricing: PricingService,
    private readonly loader: PricingLoader,
    private readonly registry: ProviderRegistry,
    private readonly prices: ModelPricesRepository,
  ) {}

  list(): PriceListDto {
    const fromConsole = this.loader.consoleModels();
    const items: PriceEntryDto[] = this.pricing.listPrices().map((p) => ({
      model: p.model,
      input_per_m: p.inputPerM ?? null,
      output_per_m: p.outputPerM ?? null,
      cached_input_per_m: p.cachedInputPerM ?? null,
      cache_write_per_m: p.cacheWritePerM ?? null,
      cache_write_1h_per_m: p.cacheWrite1hPerM ?? null,
      source: fromConsole.has(p.model) ? 'console' : p.source,
    }));
    return { items, next_cursor: null };
  }

  /** `{"provider/model": {...prices} | null}`: upserts, or deletes on null; all or nothing. */
  async update(prices: Record<string, unknown>): Promise<PriceListDto> {
    const count = Object.keys(prices).length;
    if (count > MAX_PRICES_PER_UPDATE) {
      const message = `at most ${MAX_PRICES_PER_UPDATE} models per request, got ${count}: send them in several requests`;
      throw new AppError('validation_error', `prices: ${message}`, [{ field: 'prices', message }]);
    }
    const upserts: [string, ModelPriceOverride][] = [];
    const deletes: string[] = [];
    for (const [model, entry] of Object.entries(prices)) {
      if (entry === null) {
        deletes.push(model);
        continue;
      }
      upserts.push([model, this.validate(model, entry)]);
    }
    await this.prices.apply(upserts, deletes);
    await this.loader.reload();
    const edits = [...upserts.map(([m]) => `${m} set`), ...deletes.map((m) => `${m} reset`)];
    if (edits.length > 0) {
      const more = edits.length > LOGGED_EDITS ? ` and ${edits.length - LOGGED_EDITS} more` : '';
      this.logger.log(`Prices edited in the console: ${edits.slice(0, LOGGED_EDITS).join(', ')}${more}`);
    }
    return this.list();
  }

  private validate(model: string, entry: unknown): ModelPriceOverride {
    const fail = (message: string, field?: string): never => {
      throw new AppError('validation_error', message, [{ field: field ? `prices.${model}.${field}` : `prices.${model}`, message }]);
    };
    if (model.length > MAX_MODEL_KEY_CHARS) fail(`price key "${model.slice(0, 40)}…" is longer than ${MAX_MODEL_KEY_CHARS} characters`);
    let price: ModelPriceOverride;
    try {
      price = toPriceOverrides({ [model]: entry })[model]!;
    } catch (error) {
      // the validator's message names the model and the field; the detail names the field as a path too
      const message = (error as Error).message;
      const field = /unknown field "([^"]+)"/.exec(message)?.[1] ?? PRICE_FIELDS.find((f) => new RegExp(`: ${f}\\b`).test(message));
      return fail(message, field);
    }
    const provider = model.slice(0, model.indexOf('/'));
    if (this.registry.find(provider)?.id !== provider) {
      fail(
        `price "${model}": unknown provider "${provider}" (known: ${this.registry
          .all()
          .map((p) => p.id)
          .join(', ')})`,
      );
    }
    const columns: [string, string | undefined][] = [
      ['input_per_m', price.inputPerM],
      ['output_per_m', price.outputPerM],
      ['cached_input_per_m', price.cachedInputPerM],
      ['cache_write_per_m', price.cacheWritePerM],
      ['cache_write_1h_per_m', price.cacheWrite1hPerM],
    ];
    for (const [field, value] of columns) {
      if (value !== undefined && !COLUMN_FIT.test(value))
        fail(`price "${model}": ${field} must have at most 12 integer digits and 6 decimals (got "${value}")`, field);
    }
    return price;
  }
}
