import Decimal from 'decimal.js';
import { parseFixed, pow10 } from '../../billing/fixed-decimal';
import type { ModelPrice } from './price-table';

/** Token rates per 1M tokens as integers: rate = value / 10^scale. */
export interface ExactRates {
  scale: number;
  input: bigint;
  output: bigint;
  cachedInput: bigint;
  cacheWrite: bigint;
  /** the rate of 1-hour cache writes: the price's own, or the fallback of cacheWrite1hFallback */
  cacheWrite1h: bigint;
  /** the highest rate an input token can be billed at (the reservation's) */
  maxInput: bigint;
  /** the same as numbers when every rate is a safe integer (products are checked before use) */
  n: { input: number; output: number; cachedInput: number; cacheWrite: number; cacheWrite1h: number; maxInput: number } | null;
}

/**
 * The rate of a 1-hour cache write when the price names none (an override, or a model outside the shipped
 * table), as an integer at the rates' scale. Anthropic bills 1-hour writes at 2× the input rate, so an
 * `anthropic/` model is billed at least that (or at its 5-minute write rate when an operator set that
 * higher): never silently at the cheaper 5-minute rate. Other providers report no 1-hour writes of their
 * own; should one do, it is billed at the 5-minute write rate (the input rate when that is absent too).
 */
export function cacheWrite1hFallback(model: string, rates: { input: bigint; cacheWrite: bigint }): bigint {
  if (!model.startsWith('anthropic/')) return rates.cacheWrite;
  const double = rates.input * 2n;
  return rates.cacheWrite > double ? rates.cacheWrite : double;
}

/** The token rates at one common scale; undefined without both an input and an output rate (no price). */
export function exactRates(model: string, price: ModelPrice): ExactRates | undefined {
  if (price.inputPerM === undefined || price.outputPerM === undefined) return undefined;
  const texts = [
    price.inputPerM,
    price.outputPerM,
    price.cachedInputPerM ?? price.inputPerM,
    price.cacheWritePerM ?? price.inputPerM,
    price.cacheWrite1hPerM ?? price.inputPerM,
  ];
  // rates are validated decimal text (parseDecimalInput); anything else would have to go through decimal.js
  const parsed = texts.map((text) => parseFixed(text) ?? parseFixed(new Decimal(text).toFixed()));
  if (parsed.some((p) => p === null)) throw new Error(`unreadable price: ${texts.join(', ')}`);
  const scale = Math.max(...parsed.map((p) => p!.scale));
  const [input, output, cachedInput, cacheWrite, ownCacheWrite1h] = parsed.map((p) => p!.digits * pow10(scale - p!.scale));
  const cacheWrite1h = price.cacheWrite1hPerM !== undefined ? ownCacheWrite1h : cacheWrite1hFallback(model, { input, cacheWrite });
  // the reservation: the dearest way an input token can be billed
  const maxInput = [cacheWrite, cacheWrite1h].reduce((max, rate) => (rate > max ? rate : max), input);
  const all = [input, output, cachedInput, cacheWrite, cacheWrite1h, maxInput];
  const safe = all.every((v) => v <= BigInt(Number.MAX_SAFE_INTEGER));
  return {
    scale,
    input,
    output,
    cachedInput,
    cacheWrite,
    cacheWrite1h,
    maxInput,
    n: safe
      ? {
          input: Number(input),
          output: Number(output),
          cachedInput: Number(cachedInput),
          cacheWrite: Number(cacheWrite),
          cacheWrite1h: Number(cacheWrite1h),
          maxInput: Number(maxInput),
        }
      : null,
  };
}
