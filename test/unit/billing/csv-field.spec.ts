import { csvField } from '@src/billing/generation-logs.service';

describe('csvField', () => {
  it.each([
    ['=HYPERLINK("http://evil","x")', `"'=HYPERLINK(""http://evil"",""x"")"`],
    ['+1+1', `"'+1+1"`],
    ['-2+3', `"'-2+3"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['\tcmd', `"'\tcmd"`],
    ['\r=1', `"'\r=1"`],
    ['＝1+1', `"'＝1+1"`],
  ])('writes a text a spreadsheet would run as a formula (%j) as quoted text with a leading quote', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('quotes commas, quotes and line breaks and keeps unicode as it is', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField('café 東京 🚀')).toBe('café 東京 🚀');
    expect(csvField('a=b')).toBe('a=b');
  });

  it('writes numbers, decimal strings, dates and empties as they are', () => {
    expect(csvField(3)).toBe('3');
    expect(csvField(false)).toBe('false');
    expect(csvField('0.000123')).toBe('0.000123');
    expect(csvField(new Date('2026-11-29T12:00:00Z'))).toBe('2026-11-29T12:00:00.000Z');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
  });
});
