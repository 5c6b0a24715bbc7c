import { monthEndForecast } from '@src/billing/dashboard.service';

describe('monthEndForecast', () => {
  const june = new Date('2025-06-01T00:00:00.000Z');

  it('carries the average daily rate so far to the end of the month, exactly', () => {
    // 10 of June's 30 days gone, 3.30 spent: 0.33 a day, 9.90 by the end
    expect(monthEndForecast('3.30', june, new Date('2025-06-11T00:00:00.000Z'))).toBe('9.9');
  });

  it('is the month-to-date cost itself at the very start of the month', () => {
    expect(monthEndForecast('0', june, june)).toBe('0');
    expect(monthEndForecast('1.5', june, june)).toBe('1.5');
  });

  it('keeps six decimals, never a float artefact', () => {
    expect(monthEndForecast('0.1', june, new Date('2025-06-04T00:00:00.000Z'))).toBe('1');
    expect(monthEndForecast('0.000001', june, new Date('2025-06-08T00:00:00.000Z'))).toBe('0.000004');
  });
});
