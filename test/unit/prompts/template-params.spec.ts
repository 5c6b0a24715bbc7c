import { paramErrors } from '@src/prompts/template-params';

describe('paramErrors', () => {
  it('takes no params, the ones a call uses within their ranges, and keys it does not know', () => {
    expect(paramErrors(null)).toEqual([]);
    expect(paramErrors({})).toEqual([]);
    expect(paramErrors({ max_tokens: 1, temperature: 0, top_p: 0, stop: [] })).toEqual([]);
    expect(paramErrors({ max_tokens: 1_000_000, temperature: 2, top_p: 1, stop: ['a', 'b'], seed: 'anything' })).toEqual([]);
  });

  it('names every param out of range or of the wrong type', () => {
    expect(paramErrors({ max_tokens: 0, temperature: -0.1, top_p: Number.NaN, stop: [''] }).map((e) => e.field)).toEqual([
      'params.max_tokens',
      'params.temperature',
      'params.top_p',
      'params.stop',
    ]);
    expect(paramErrors({ max_tokens: null })).toEqual([{ field: 'params.max_tokens', message: 'must be an integer from 1 to 1000000 (got null)' }]);
  });
});

describe('paramErrors quoting', () => {
  it('quotes a huge value cut short', () => {
    const [error] = paramErrors({ max_tokens: 'x'.repeat(10_000) });
    expect(error.field).toBe('params.max_tokens');
    expect(error.message.length).toBeLessThan(200);
  });
});
