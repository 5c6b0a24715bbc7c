import { MAX_QUOTED_CHARS, notJsonAnswer, quoteUpstreamText } from '@src/llm/providers/upstream-text';

describe(quoteUpstreamText.name, () => {
  it('quotes an HTML page by its title, keeping what the SDK put before it (the status)', () => {
    expect(quoteUpstreamText('502 <!DOCTYPE html><html><head><title> 502\n Bad Gateway </title></head><body>x</body></html>')).toBe(
      '502 an HTML page titled "502 Bad Gateway"',
    );
    expect(quoteUpstreamText('<html><body>oops</body></html>')).toBe('an HTML page');
  });

  it('collapses whitespace and clips long text, saying how much was left out', () => {
    expect(quoteUpstreamText('a\n\n  b')).toBe('a b');
    const long = 'x'.repeat(MAX_QUOTED_CHARS + 5);
    expect(quoteUpstreamText(long)).toBe(`${'x'.repeat(MAX_QUOTED_CHARS)}… (5 more characters)`);
  });

  it('leaves a provider message that merely mentions a tag as it is', () => {
    expect(quoteUpstreamText("Invalid value: '<html>' is not a model")).toBe("Invalid value: '<html>' is not a model");
  });
});

describe(notJsonAnswer.name, () => {
  it('names an empty body and quotes any other text; an object is no error', () => {
    expect(notJsonAnswer('')?.message).toBe('The provider answered with something other than JSON: an empty body');
    expect(notJsonAnswer('OK')?.message).toBe('The provider answered with something other than JSON: OK');
    expect(notJsonAnswer({ choices: [] })).toBeUndefined();
  });
});
