import Decimal from 'decimal.js';
import { USD_UNIT_SCALE } from './limit-types';

const SCALE = new Decimal(10).pow(USD_UNIT_SCALE);

/** USD decimal string → integer units of 1e-10 USD; reservations round up, actual costs to nearest. */
export function usdToUnits(usd: string, rounding: 'up' | 'nearest'): bigint {
  const scaled = new Decimal(usd).mul(SCALE);
  return BigInt((rounding === 'up' ? scaled.ceil() : scaled.toDecimalPlaces(0, Decimal.ROUND_HALF_UP)).toFixed(0));
}

export function unitsToUsd(units: bigint): string {
  return new Decimal(units.toString()).div(SCALE).toFixed();
}
