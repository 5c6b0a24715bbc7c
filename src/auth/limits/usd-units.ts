import Decimal from 'decimal.js';
import { ExactDecimal } from '../../billing/exact-decimal';
import { formatFixed, toScaledInteger } from '../../billing/fixed-decimal';
import { USD_UNIT_SCALE } from './limit-types';

const SCALE = new ExactDecimal(10).pow(USD_UNIT_SCALE);

/** USD decimal string → integer units of 1e-10 USD; reservations round up, actual costs to nearest. */
export function usdToUnits(usd: string, rounding: 'up' | 'nearest'): bigint {
  // plain decimals (every cost and stored amount) without decimal.js; anything else (exponents, signs) through it
  const fast = toScaledInteger(usd, USD_UNIT_SCALE, rounding);
  if (fast !== null) return fast;
  const scaled = new ExactDecimal(usd).mul(SCALE);
  return BigInt((rounding === 'up' ? scaled.ceil() : scaled.toDecimalPlaces(0, Decimal.ROUND_HALF_UP)).toFixed(0));
}

export function unitsToUsd(units: bigint): string {
  return units < 0n ? `-${formatFixed(-units, USD_UNIT_SCALE)}` : formatFixed(units, USD_UNIT_SCALE);
}
