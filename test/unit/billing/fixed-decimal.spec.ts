import Decimal from 'decimal.js';
import { ExactDecimal } from '@src/billing/exact-decimal';
import { formatFixed, formatRounded, parseFixed, toScaledInteger } from '@src/billing/fixed-decimal';

describe('fixed-decimal', () => {
  it('reads plain non-negative decimals as digits and scale, and nothing else', () => {
    expect(parseFixed('12.50')).toEqual({ digits: 1250n, scale: 2 });
    expect(parseFixed('7')).toEqual({ digits: 7n, scale: 0 });
    for (const text of ['', '-1', '1e3', '.5', '5.', ' 1', 'abc']) expect(parseFixed(text)).toBeNull();
  });

  it('writes integers back as decimal.js toFixed() would', () => {
    const cases: [bigint | number, number][] = [
      [0, 0],
      [0n, 10],
      [1, 10],
      [150, 3],
      [1500000, 9],
      [123456789, 2],
      [10n ** 18n + 7n, 16],
    ];
    for (const [digits, scale] of cases) expect(formatFixed(digits, scale)).toBe(new Decimal(digits.toString()).div(new Decimal(10).pow(scale)).toFixed());
  });

  it('rescales with ceiling or half-up rounding, as decimal.js does', () => {
    const texts = ['0', '1', '0.00000000005', '0.000000000049', '0.0000000000500001', '12.3456789012345', '100.0000000000', '999.99999999999'];
    for (const text of texts) {
      const scaled = new Decimal(text).mul(1e10);
      expect(toScaledInteger(text, 10, 'up')).toBe(BigInt(scaled.ceil().toFixed(0)));
      expect(toScaledInteger(text, 10, 'nearest')).toBe(BigInt(scaled.toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toFixed(0)));
    }
    expect(toScaledInteger('1e-3', 10, 'up')).toBeNull();
  });

  it('rounds to a scale half up, as a numeric column of that scale stores the value', () => {
    const cases: [bigint | number, number][] = [
      [123458, 12],
      [50, 12],
      [49, 12],
      [150, 11],
      [10n ** 30n + 5n, 21],
      [7, 3],
    ];
    for (const [digits, scale] of cases) {
      const exact = new Decimal(digits.toString()).div(new Decimal(10).pow(scale));
      expect(formatRounded(digits, scale, 10)).toBe(exact.toDecimalPlaces(10, Decimal.ROUND_HALF_UP).toFixed());
    }
  });

  it('adds and subtracts amounts of more than 20 significant digits exactly (ExactDecimal)', () => {
    expect(new Decimal('100000000000').minus('0.0000000001').toFixed()).toBe('100000000000'); // what plain decimal.js does
    expect(new ExactDecimal('100000000000').minus('0.0000000001').toFixed()).toBe('99999999999.9999999999');
    expect(new ExactDecimal('12345678901234.0000000001').plus('0.0000000001').toFixed()).toBe('12345678901234.0000000002');
  });
});
