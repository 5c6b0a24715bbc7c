import type { Counter, Histogram, LabelValues } from 'prom-client';
import { formatFixed, toScaledInteger } from './fixed-decimal';

/**
 * One label set of a prom-client counter or histogram, updated in place. prom-client's own
 * `labels(...)` children hash and validate their labels again on every call; these make the first
 * update through prom-client (which creates the label set's entry, so /metrics shows exactly what it
 * showed before), find that entry once and from then on only add to it. A unit test compares the
 * rendering with prom-client's own updates; should an entry not be found (another prom-client
 * layout), every update goes through the public API.
 */
type Labels = LabelValues<string>;

interface CounterEntry {
  labels: Labels;
  value: number;
}

interface HistogramEntry {
  labels: Labels;
  bucketValues: Record<string, number>;
  sum: number;
  count: number;
}

function entryOf<T extends { labels: Labels }>(metric: object, labels: Labels): T | undefined {
  const map = (metric as { hashMap?: Record<string, T> }).hashMap;
  const names = (metric as { labelNames?: readonly string[] }).labelNames;
  if (!map || typeof map !== 'object' || !Array.isArray(names)) return undefined;
  return Object.values(map).find((entry) => names.every((name: string) => String(entry.labels?.[name]) === String(labels[name])));
}

/** Adds to one label set of a counter (1 when no amount is given). */
export function boundCounter(counter: Counter<string>, labels: Labels = {}): (amount?: number) => void {
  let slot: CounterEntry | undefined;
  let resolved = false;
  return (amount = 1) => {
    if (slot) {
      // prom-client's inc refuses these by throwing; the request path just skips them
      if (amount > 0 && Number.isFinite(amount)) slot.value += amount;
      return;
    }
    counter.inc(labels, amount);
    if (resolved) return;
    resolved = true;
    const entry = entryOf<CounterEntry>(counter, labels);
    if (entry && typeof entry.value === 'number') slot = entry;
  };
}

/**
 * Adds decimal amounts (plain decimal strings, `scale` decimals at most, e.g. costs in USD) to one label set
 * of a counter exactly: the running total is an integer of 10^-scale, and the counter shows the float
 * nearest to it, so 0.1 + 0.2 reads 0.3 (never 0.30000000000000004) and the series agrees with the
 * sum of the same records in the log. Anything else (a negative, an exponent) is skipped.
 */
export function boundDecimalCounter(counter: Counter<string>, labels: Labels, scale: number): (amount: string) => void {
  let units = 0n;
  let shown = 0;
  let slot: CounterEntry | undefined;
  let resolved = false;
  return (amount) => {
    const added = toScaledInteger(amount, scale, 'nearest');
    if (added === null || added === 0n) return;
    units += added;
    const next = Number(formatFixed(units, scale));
    if (slot) slot.value = next;
    else {
      counter.inc(labels, next - shown);
      if (!resolved) {
        resolved = true;
        const entry = entryOf<CounterEntry>(counter, labels);
        if (entry && typeof entry.value === 'number') {
          slot = entry;
          slot.value = next;
        }
      }
    }
    shown = next;
  };
}

/** Observes values into one label set of a histogram. */
export function boundHistogram(histogram: Histogram<string>, labels: Labels = {}): (value: number) => void {
  let slot: HistogramEntry | undefined;
  let resolved = false;
  const bounds = (histogram as unknown as { upperBounds?: readonly number[] }).upperBounds ?? [];
  const keys = bounds.map(String);
  return (value) => {
    if (slot) {
      if (!Number.isFinite(value)) return;
      slot.sum += value;
      slot.count += 1;
      for (let i = 0; i < bounds.length; i++) {
        if (value <= bounds[i]) {
          slot.bucketValues[keys[i]] += 1;
          return;
        }
      }
      return;
    }
    histogram.observe(labels, value);
    if (resolved) return;
    resolved = true;
    const entry = entryOf<HistogramEntry>(histogram, labels);
    const fits =
      entry &&
      typeof entry.sum === 'number' &&
      typeof entry.count === 'number' &&
      keys.length > 0 &&
      keys.every((k) => typeof entry.bucketValues?.[k] === 'number');
    if (fits) slot = entry;
  };
}
