import { Injectable } from '@nestjs/common';
import Decimal from 'decimal.js';
import { MONEY_RULES, parseDecimalInput } from '../../common/validation/decimal-input';
import { ExactDecimal } from '../../billing/exact-decimal';
import { COST_SCALE, formatFixed, formatRounded } from '../../billing/fixed-decimal';
import type { TokenUsage } from '../providers/llm-provider';
import { exactRates, ExactRates } from './exact-rates';
import { BUILTIN_PRICES, ModelPrice, PriceTable } from './price-table';

/** An operator's token prices for one model (USD per 1M tokens, decimal strings). */
export interface ModelPriceOverride {
  inputPerM: string;
  outputPerM: string;
  cachedInputPerM?: string;
  cacheWritePerM?: string;
  cacheWrite1hPerM?: string;
}

/** Keyed `provider/model`. */
export type PriceOverrides = Readonly<Record<string, Readonly<ModelPriceOverride>>>;

export type PriceSource = 'builtin' | 'override';

export type PriceListEntry = { model: string } & ModelPrice & { source: PriceSource };

export interface ImageCostRequest {
  size: string;
  quality: string;
  n: number;
  /** token usage when the provider reported it (gpt-image models do, DALL·E does not) */
  usage?: TokenUsage | null;
}

/** Serialises a cost as a plain decimal string (never exponent notation such as `2.5e-8`). */
export function toDecimalString(value: Decimal): string {
  return value.toFixed();
}

const MILLION = 1_000_000;
const OVERRIDE_FIELDS = {
  input_per_m: 'inputPerM',
  output_per_m: 'outputPerM',
  cached_input_per_m: 'cachedInputPerM',
  cache_write_per_m: 'cacheWritePerM',
  cache_write_1h_per_m: 'cacheWrite1hPerM',
} as const satisfies Record<string, keyof ModelPriceOverride>;
type OverrideField = keyof typeof OVERRIDE_FIELDS;
const REQUIRED_FIELDS: readonly OverrideField[] = ['input_per_m', 'output_per_m'];
const MODEL_KEY = /^[A-Za-z0-9][\w.-]*\/\S+$/;

/**
 * Parses the PRICE_OVERRIDES format:
 * `{"openai/gpt-4o": {"input_per_m": "2.5", "output_per_m": "10", "cached_input_per_m": "1.25", "cache_write_per_m": "3"}}`;
 * `cache_write_1h_per_m` is the rate of Anthropic's 1-hour cache writes (`cache_control.ttl: "1h"`), and
 * `cache_write_per_m` that of the default 5-minute ones. Each optional rate has a fallback (see PricingService).
 * Throws an Error naming the offending model and field.
 */
export function parsePriceOverrides(json: string): PriceOverrides {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new Error(`price overrides are not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  return toPriceOverrides(value);
}

/** Validates already-parsed overrides in the PRICE_OVERRIDES (snake_case) shape, e.g. a console request body. */
export function toPriceOverrides(value: unknown): PriceOverrides {
  if (!isPlainObject(value)) throw new Error('price overrides must be a JSON object keyed "provider/model"');
  const out: Record<string, ModelPriceOverride> = {};
  for (const [model, entry] of Object.entries(value)) {
    if (!MODEL_KEY.test(model)) throw new Error(`price override "${model}": the key must be "provider/model"`);
    if (!isPlainObject(entry)) throw new Error(`price override "${model}" must be an object of prices`);
    for (const field of Object.keys(entry)) {
      if (!(field in OVERRIDE_FIELDS)) {
        throw new Error(`price override "${model}": unknown field "${field}" (allowed: ${Object.keys(OVERRIDE_FIELDS).join(', ')})`);
      }
    }
    for (const field of REQUIRED_FIELDS) {
      if (entry[field] === undefined) throw new Error(`price override "${model}": ${field} is required`);
    }
    const parsed: Partial<Record<keyof ModelPriceOverride, string>> = {};
    for (const [field, key] of Object.entries(OVERRIDE_FIELDS) as [OverrideField, keyof ModelPriceOverride][]) {
      if (entry[field] !== undefined) parsed[key] = parsePrice(model, field, entry[field]);
    }
    out[model] = parsed as ModelPriceOverride;
  }
  return out;
}

/**
 * The dearest token price accepted, USD per 1M tokens ($1 a token; the dearest list price is some
 * hundreds). With at most 2^31 input and 2^31 output tokens a call then costs under $4.3 billion,
 * which the log's cost column (numeric(20,10): under $10 billion) holds; a dearer price could make a
 * call cost more than its record can store, and the record would be refused.
 */
export const MAX_PRICE_PER_M = '1000000';
const PRICE_RULES = { ...MONEY_RULES, max: MAX_PRICE_PER_M };

function parsePrice(model: string, field: string, raw: unknown): string {
  // the same reading as every money field of the API: a decimal string or a number through its shortest decimal text
  const parsed = parseDecimalInput(raw, PRICE_RULES);
  if (!parsed.ok) {
    throw new Error(`price override "${model}": ${field} must be a number or numeric string ≥ 0 (got ${JSON.stringify(raw)}): ${parsed.problem}`);
  }
  return parsed.text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A price with its rates parsed once, so costing a request does no string parsing. */
interface ResolvedPrice {
  price: Readonly<ModelPrice>;
  source: PriceSource;
  input?: Decimal;
  output?: Decimal;
  cachedInput?: Decimal;
  cacheWrite?: Decimal;
  /** the token rates as integers at one scale, for exact costing without decimal.js (absent without input and output rates) */
  exact?: ExactRates;
}

/** Scale of a cost: the rates' scale plus the 6 decimals of "per 1M tokens". */
const PER_M_SCALE = 6;

/** A non-negative whole token count; anything else a provider sends counts as 0. */
function tokens(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

/**
 * Prices calls: tokens × the rate in force at call time, exactly, then rounded half up to
 * the 10 decimals every cost is recorded at (COST_SCALE), so a response and its record agree.
 * The shipped table (price-table.ts) is layered under operator overrides.
 * Every method returns null when no price is known: the caller records
 * cost null + price_unknown rather than a made-up $0.
 *
 * Rates a price may omit: cached input and (5-minute) cache writes are billed at
 * the input rate; 1-hour cache writes by cacheWrite1hFallback (exact-rates.ts): on an
 * `anthropic/` model 2× the input rate (Anthropic's own multiplier) or the
 * 5-minute write rate when that is higher, elsewhere the 5-minute write rate.
 */
@Injectable()
export class PricingService {
  private readonly builtin: PriceTable = BUILTIN_PRICES;
  private overrides: PriceOverrides = {};
  private resolved: ReadonlyMap<string, ResolvedPrice> = this.resolve();

  /**
   * Replaces the override layer (environment PRICE_OVERRIDES, then console edits, merged by the caller).
   * An override replaces the model's token prices as a whole (a cached or cache-write rate it omits is
   * billed at its input rate, a 1-hour cache-write rate by cacheWrite1hFallback); per-image prices stay
   * those of the shipped table.
   */
  setOverrides(overrides: PriceOverrides): void {
    this.overrides = { ...overrides };
    this.resolved = this.resolve();
  }

  priceOf(modelId: string): ModelPrice | null {
    return this.resolved.get(modelId)?.price ?? null;
  }

  /** Every price in force, sorted by model id. */
  listPrices(): PriceListEntry[] {
    return [...this.resolved.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([model, r]) => ({ model, ...r.price, source: r.source }));
  }

  /**
   * Cost of a finished call. Cached input is billed at the cached rate, 1-hour cache writes at the 1-hour
   * cache-write rate, the other cache writes at the (5-minute) cache-write rate, the rest of the input at
   * the input rate, all output (reasoning included) at the output rate.
   */
  cost(modelId: string, usage: TokenUsage): Decimal | null {
    const usd = this.costUsd(modelId, usage);
    return usd === null ? null : new ExactDecimal(usd);
  }

  /**
   * The same cost as a plain decimal string (what records and headers carry), computed exactly in integers
   * and rounded half up to COST_SCALE (10) decimals, the scale it is recorded at: a rate of 0.000001 per 1M
   * tokens makes a token cost 1e-12 USD, which the response would otherwise show and the record not keep.
   */
  costUsd(modelId: string, usage: TokenUsage): string | null {
    const exact = this.resolved.get(modelId)?.exact;
    if (!exact) return null;
    const input = tokens(usage.inputTokens);
    const cached = Math.min(tokens(usage.cachedInputTokens), input);
    const written = Math.min(tokens(usage.cacheWriteTokens), input - cached);
    const written1h = Math.min(tokens(usage.cacheWrite1hTokens), written);
    const written5m = written - written1h;
    const plain = input - cached - written;
    const output = tokens(usage.outputTokens);
    const n = exact.n;
    if (n) {
      // every term is non-negative, so a safe sum means every product and partial sum was exact
      const sum = n.input * plain + n.cachedInput * cached + n.cacheWrite * written5m + n.cacheWrite1h * written1h + n.output * output;
      if (Number.isSafeInteger(sum)) return formatRounded(sum, exact.scale + PER_M_SCALE, COST_SCALE);
    }
    const sum =
      exact.input * BigInt(plain) +
      exact.cachedInput * BigInt(cached) +
      exact.cacheWrite * BigInt(written5m) +
      exact.cacheWrite1h * BigInt(written1h) +
      exact.output * BigInt(output);
    return formatRounded(sum, exact.scale + PER_M_SCALE, COST_SCALE);
  }

  /**
   * Upper bound of a request's cost before it runs, for the budget reservation: every input token at the
   * highest input rate it could be billed at (cache writes, 1-hour ones most, cost more than plain input), plus the full
   * output allowance; a plain decimal string, computed exactly in integers.
   */
  maxCostUsd(modelId: string, estimatedInputTokens: number, maxOutputTokens: number): string | null {
    const exact = this.resolved.get(modelId)?.exact;
    if (!exact) return null;
    const input = tokens(estimatedInputTokens);
    const output = tokens(maxOutputTokens);
    if (exact.n) {
      const sum = exact.n.maxInput * input + exact.n.output * output;
      if (Number.isSafeInteger(sum)) return formatFixed(sum, exact.scale + PER_M_SCALE);
    }
    return formatFixed(exact.maxInput * BigInt(input) + exact.output * BigInt(output), exact.scale + PER_M_SCALE);
  }

  /**
   * Cost of an image request. When the provider reports token usage and the model has token prices
   * (gpt-image-1), the usage is billed at those prices: that is what OpenAI invoices, and the per-image
   * table is only its approximation. Otherwise per-image price × n by quality and size (`auto` or an
   * empty quality means the model's default); an unknown size or quality gives null.
   * A generation prompt is text, so all input tokens are billed at the text-input rate.
   */
  imageCost(modelId: string, req: ImageCostRequest): Decimal | null {
    const r = this.resolved.get(modelId);
    const images = r?.price.images;
    if (!r || !images) return null;
    const usage = req.usage;
    if (usage && r.input && r.output && tokens(usage.inputTokens) + tokens(usage.outputTokens) > 0) {
      return this.cost(modelId, usage);
    }
    const quality = !req.quality || req.quality === 'auto' ? images.defaultQuality : req.quality;
    const bySize = (quality !== undefined ? images.perImage[quality] : undefined) ?? images.perImage['*'];
    const perImage = bySize?.[req.size] ?? bySize?.['*'];
    if (perImage === undefined) return null;
    return recorded(new ExactDecimal(perImage).mul(tokens(req.n)));
  }

  /** Cost of an embeddings call: input tokens at the input rate, rounded as costUsd's. */
  embeddingCost(modelId: string, inputTokens: number): Decimal | null {
    const rate = this.resolved.get(modelId)?.input;
    return rate ? recorded(rate.mul(tokens(inputTokens)).div(MILLION)) : null;
  }

  private resolve(): ReadonlyMap<string, ResolvedPrice> {
    const out = new Map<string, ResolvedPrice>();
    const models = new Set([...Object.keys(this.builtin), ...Object.keys(this.overrides)]);
    for (const model of models) {
      const base = this.builtin[model];
      const override = this.overrides[model];
      const price: ModelPrice = override
        ? {
            inputPerM: override.inputPerM,
            outputPerM: override.outputPerM,
            ...(override.cachedInputPerM !== undefined && { cachedInputPerM: override.cachedInputPerM }),
            ...(override.cacheWritePerM !== undefined && { cacheWritePerM: override.cacheWritePerM }),
            ...(override.cacheWrite1hPerM !== undefined && { cacheWrite1hPerM: override.cacheWrite1hPerM }),
            ...(base?.imageInputPerM !== undefined && { imageInputPerM: base.imageInputPerM }),
            ...(base?.images !== undefined && { images: base.images }),
          }
        : { ...base };
      out.set(model, {
        price: Object.freeze(price),
        source: override ? 'override' : 'builtin',
        input: decimalOrUndefined(price.inputPerM),
        output: decimalOrUndefined(price.outputPerM),
        cachedInput: decimalOrUndefined(price.cachedInputPerM),
        cacheWrite: decimalOrUndefined(price.cacheWritePerM),
        exact: exactRates(model, price),
      });
    }
    return out;
  }
}

/** A cost rounded half up to the scale it is recorded at (as costUsd's). */
function recorded(cost: Decimal): Decimal {
  return cost.toDecimalPlaces(COST_SCALE, Decimal.ROUND_HALF_UP);
}

function decimalOrUndefined(value: string | undefined): Decimal | undefined {
  return value === undefined ? undefined : new ExactDecimal(value);
}
