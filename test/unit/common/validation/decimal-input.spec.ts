import { MONEY_RULES, parseDecimalInput } from '../../../../src/common/validation/decimal-input';

describe(parseDecimalInput.name, () => {
  it.each([
    [250, '250'],
    [0.1, '0.1'],
    [1e-6, '0.000001'],
    [-0, '0'],
    ['12.50', '12.5'],
    [' 7 ', '7'],
  ])('reads %p exactly as %p', (input, text) => {
    const parsed = parseDecimalInput(input, MONEY_RULES);
    expect(parsed).toEqual({ ok: true, text });
  });

  it.each([
    [Number.NaN, 'must be a finite number'],
    [Number.POSITIVE_INFINITY, 'must be a finite number'],
    [-1, 'must not be negative'],
    ['-1', 'must not be negative'],
    [0.1 + 0.2, 'must have at most 6 decimal places'],
    ['1.0000001', 'must have at most 6 decimal places'],
    ['1e3', 'must be a decimal string like "250.00" or a number'],
    [null, 'must be a decimal string like "250.00" or a number'],
    [1e12, 'must have at most 12 digits before the decimal point'],
  ])('refuses %p: %s', (input, problem) => {
    expect(parseDecimalInput(input, MONEY_RULES)).toEqual({ ok: false, problem });
  });

  it('honours an upper bound', () => {
    expect(parseDecimalInput(1.5, { maxIntegerDigits: 1, maxDecimals: 4, max: '1' })).toEqual({ ok: false, problem: 'must be at most 1' });
    expect(parseDecimalInput('1', { maxIntegerDigits: 1, maxDecimals: 4, max: '1' })).toEqual({ ok: true, text: '1' });
    // a percentage typed where a fraction is asked for is told the bound, not the digit count
    expect(parseDecimalInput('80', { maxIntegerDigits: 1, maxDecimals: 4, max: '1' })).toEqual({ ok: false, problem: 'must be at most 1' });
  });
});
