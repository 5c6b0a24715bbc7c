import { formatMoney } from '../../../client/src/lib/format-money';

describe('money shown in the console', () => {
  it.each([
    ['1234.5', '$1,234.50'],
    ['0.000123', '$0.000123'],
    ['0', '$0.00'],
  ])('"%s" is shown whole as %s', (value, shown) => {
    expect(formatMoney(value)).toBe(shown);
  });

  it.each([
    ['1234.567891', '$1,234.57'],
    ['0.014999', '$0.01'],
    ['0.009999', '$0.009999'],
    ['0.002978', '$0.002978'],
    ['0.000001', '$0.000001'],
    ['0', '$0.00'],
    ['0.000000', '$0.00'],
  ])('a headline figure "%s" rounds to cents, unless under a cent: %s', (value, shown) => {
    // a month-end forecast of $0.002978 shown as "$0.00" said nothing would be spent
    expect(formatMoney(value, { cents: true })).toBe(shown);
  });
});
