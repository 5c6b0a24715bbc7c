import { parseDecimalInput, toDecimalInput } from '../../../client/src/lib/parse-number';

describe('amounts typed in the console', () => {
  it.each([
    ['de-DE', '250,50', '250.50'],
    ['de-DE', '0.5', '0.5'],
    ['de-DE', '1,000', '1.000'],
    ['de-DE', '0.125', '0.125'],
    ['en-US', '250.50', '250.50'],
    ['en-US', '0,5', '0.5'],
    ['en-US', '1.000', '1.000'],
    ['en-US', ' 1234 ', '1234'],
  ])('in %s, "%s" is %s', (locale, typed, value) => {
    expect(parseDecimalInput(typed, locale)).toEqual({ value });
  });

  it('an empty field is no amount', () => {
    expect(parseDecimalInput('  ', 'de-DE')).toEqual({ value: null });
  });

  it.each([
    // a thousand in one reading, one in the other
    ['de-DE', '1.000', '1.000 could be 1000 or 1,000: write it without a thousands separator'],
    ['en-US', '2,500', '2,500 could be 2500 or 2.500: write it without a thousands separator'],
    ['de-DE', '1.234,50', 'Enter an amount like 250,50, without thousands separators'],
    ['en-US', '12k', 'Enter an amount like 250.50, without thousands separators'],
    ['en-US', '-5', 'Must not be negative'],
  ])('in %s, "%s" is refused: %s', (locale, typed, problem) => {
    expect(parseDecimalInput(typed, locale)).toEqual({ problem });
  });

  it('shows an API amount the browser’s way, which reads back as the same amount', () => {
    expect(toDecimalInput('1234.5', 'de-DE')).toBe('1234,5');
    expect(toDecimalInput('1.125', 'de-DE')).toBe('1,125');
    expect(parseDecimalInput(toDecimalInput('1.125', 'de-DE'), 'de-DE')).toEqual({ value: '1.125' });
    expect(toDecimalInput(null, 'en-US')).toBe('');
  });
});
