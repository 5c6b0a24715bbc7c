import Decimal from 'decimal.js';
import { BUILTIN_PRICES } from '@src/llm/pricing/price-table';
import { parsePriceOverrides, PricingService, toDecimalString, toPriceOverrides } from '@src/llm/pricing/pricing.service';

const usd = (value: Decimal | null): string | null => (value === null ? null : toDecimalString(value));

describe(PricingService.name, () => {
  let sut: PricingService;

  beforeEach(() => {
    sut = new PricingService();
  });

  describe('cost', () => {
    it('prices 1,000 input and 500 output tokens on gpt-4o-mini at exactly $0.00045', () => {
      expect(usd(sut.cost('openai/gpt-4o-mini', { inputTokens: 1_000, outputTokens: 500 }))).toBe('0.00045');
    });

    it('bills cache reads, cache writes and the rest of the input at their own rates', () => {
      // 4,000 plain × 3 + 4,000 cached × 0.30 + 2,000 written × 3.75 + 1,000 out × 15 = 35,700 per million
      const cost = sut.cost('anthropic/claude-sonnet-4-5', {
        inputTokens: 10_000,
        cachedInputTokens: 4_000,
        cacheWriteTokens: 2_000,
        outputTokens: 1_000,
      });
      expect(usd(cost)).toBe('0.0357');
    });

    it('bills 1-hour cache writes at the 1-hour rate (2× input on Anthropic), the other writes at the 5-minute rate', () => {
      // 3,000 plain × 3 + 4,000 cached × 0.30 + 2,000 written (5 min) × 3.75 + 1,000 written (1 h) × 6 + 1,000 out × 15 = 38,700 per million
      const cost = sut.costUsd('anthropic/claude-sonnet-4-5', {
        inputTokens: 10_000,
        cachedInputTokens: 4_000,
        cacheWriteTokens: 3_000,
        cacheWrite1hTokens: 1_000,
        outputTokens: 1_000,
      });
      expect(cost).toBe('0.0387');
      expect(
        sut.costUsd('anthropic/claude-sonnet-4-5', { inputTokens: 1_000_000, cacheWriteTokens: 1_000_000, cacheWrite1hTokens: 1_000_000, outputTokens: 0 }),
      ).toBe('6');
    });

    it('never bills more 1-hour writes than cache writes', () => {
      // 10 writes, all 1-hour, on haiku-4-5 ($2 per 1M); the 20 reported beyond the writes are not billed
      expect(sut.costUsd('anthropic/claude-haiku-4-5', { inputTokens: 10, cacheWriteTokens: 10, cacheWrite1hTokens: 30, outputTokens: 0 })).toBe('0.00002');
    });

    it('gives every shipped Anthropic model a 1-hour write rate of twice its input rate', () => {
      const anthropic = Object.entries(BUILTIN_PRICES).filter(([model]) => model.startsWith('anthropic/'));
      expect(anthropic.length).toBeGreaterThan(0);
      for (const [model, price] of anthropic) {
        expect({ model, rate: price.cacheWrite1hPerM }).toEqual({ model, rate: new Decimal(price.inputPerM!).mul(2).toFixed(2) });
      }
    });

    it('bills OpenAI cached input at the cached rate', () => {
      expect(usd(sut.cost('openai/gpt-4o', { inputTokens: 2_000, cachedInputTokens: 1_000, outputTokens: 100 }))).toBe('0.00475');
    });

    it('bills cached tokens at the input rate when the model has no cached rate', () => {
      const withCache = sut.cost('groq/llama-3.3-70b-versatile', { inputTokens: 1_000, cachedInputTokens: 500, outputTokens: 0 });
      expect(usd(withCache)).toBe('0.00059');
    });

    it('does not bill reasoning tokens twice (they are part of the output)', () => {
      expect(usd(sut.cost('openai/o4-mini', { inputTokens: 0, outputTokens: 1_000, reasoningTokens: 800 }))).toBe('0.0044');
    });

    it('never bills more cached tokens than input tokens', () => {
      expect(usd(sut.cost('openai/gpt-4o', { inputTokens: 100, cachedInputTokens: 500, outputTokens: 0 }))).toBe('0.000125');
    });

    it('prices Groq models whose ids contain a slash', () => {
      expect(usd(sut.cost('groq/openai/gpt-oss-120b', { inputTokens: 1_000_000, outputTokens: 1_000_000 }))).toBe('0.9');
    });

    it('prices the mock provider at zero', () => {
      expect(usd(sut.cost('mock/echo', { inputTokens: 1_000, outputTokens: 1_000 }))).toBe('0');
    });

    it('returns null, not $0, for a model without a known price', () => {
      expect(sut.cost('openai/gpt-9', { inputTokens: 1_000, outputTokens: 500 })).toBeNull();
      expect(sut.cost('openai/dall-e-3', { inputTokens: 1_000, outputTokens: 500 })).toBeNull();
    });

    it('adds up many small costs exactly', () => {
      let total = new Decimal(0);
      let float = 0;
      for (let i = 0; i < 10_000; i++) {
        const cost = sut.cost('openai/gpt-4o-mini', { inputTokens: 1, outputTokens: 1 })!;
        total = total.plus(cost);
        float += cost.toNumber();
      }
      expect(toDecimalString(total)).toBe('0.0075');
      expect(float).not.toBe(0.0075); // what the decimals protect against
    });
  });

  it('writes tiny costs as plain decimals, never in exponent notation', () => {
    expect(usd(sut.cost('openai/gpt-4.1-nano', { inputTokens: 1, cachedInputTokens: 1, outputTokens: 0 }))).toBe('0.000000025');
  });

  describe('the scale costs are recorded at (10 decimals)', () => {
    beforeEach(() => {
      sut.setOverrides({
        'openai/gpt-4o-mini': { inputPerM: '0.000001', outputPerM: '0.123457', cachedInputPerM: '0.000003' },
        'openai/text-embedding-3-small': { inputPerM: '0.000007', outputPerM: '0' },
      });
    });

    it('answers each call the cost its record keeps, rounded half up, as a numeric(20,10) column stores it', () => {
      // 1 × 0.000001 + 1 × 0.123457 per 1M = 0.000000123458 exactly: the log stores 0.0000001235
      expect(sut.costUsd('openai/gpt-4o-mini', { inputTokens: 1, outputTokens: 1 })).toBe('0.0000001235');
      expect(sut.costUsd('openai/gpt-4o-mini', { inputTokens: 1, outputTokens: 2 })).toBe('0.0000002469');
      // 0.00000000005 exactly: half up, as PostgreSQL rounds
      expect(sut.costUsd('openai/gpt-4o-mini', { inputTokens: 50, outputTokens: 0 })).toBe('0.0000000001');
      expect(sut.costUsd('openai/gpt-4o-mini', { inputTokens: 49, outputTokens: 0 })).toBe('0');
      expect(usd(sut.cost('openai/gpt-4o-mini', { inputTokens: 1, outputTokens: 1 }))).toBe('0.0000001235');
    });

    it('rounds the same way beyond safe integers (huge token counts)', () => {
      const usage = { inputTokens: 3_000_000_000_001, cachedInputTokens: 1, outputTokens: 9_000_000_000_003 };
      const exact = new Decimal('0.000001').mul(3_000_000_000_000).plus('0.000003').plus(new Decimal('0.123457').mul(9_000_000_000_003)).div(1_000_000);
      expect(sut.costUsd('openai/gpt-4o-mini', usage)).toBe(exact.toDecimalPlaces(10, Decimal.ROUND_HALF_UP).toFixed());
    });

    it('rounds embeddings and per-image costs to the same scale', () => {
      expect(usd(sut.embeddingCost('openai/text-embedding-3-small', 7))).toBe('0');
      expect(usd(sut.embeddingCost('openai/text-embedding-3-small', 8))).toBe('0.0000000001');
    });

    it('multiplies prices of 12 integer digits by large token counts without decimal.js rounding to 20 digits', () => {
      sut.setOverrides({ 'openai/text-embedding-3-small': { inputPerM: '999999999999.999999', outputPerM: '0' } });
      expect(usd(sut.embeddingCost('openai/text-embedding-3-small', 1_000_000_001))).toBe('1000000000999999.999');
    });
  });

  describe('maxCostUsd', () => {
    it('reserves the estimated input and the full output allowance', () => {
      expect(sut.maxCostUsd('openai/gpt-4o-mini', 1_000, 500)).toBe('0.00045');
    });

    it('reserves input at the 1-hour cache-write rate on Anthropic, the dearest an input token can cost', () => {
      // 1,000 × $6 + 1,000 × $15 per 1M (at the 5-minute $3.75 it would be 0.01875)
      expect(sut.maxCostUsd('anthropic/claude-sonnet-4-5', 1_000, 1_000)).toBe('0.021');
    });

    it('reserves input at the cache-write rate where that is the dearest', () => {
      sut.setOverrides({ 'openai/gpt-4o': { inputPerM: '2', outputPerM: '10', cacheWritePerM: '3' } });
      expect(sut.maxCostUsd('openai/gpt-4o', 1_000, 0)).toBe('0.003');
    });

    it('reserves an Anthropic override without a 1-hour rate at its fallback, 2× input', () => {
      sut.setOverrides({ 'anthropic/claude-sonnet-4-5': { inputPerM: '4', outputPerM: '20', cacheWritePerM: '5' } });
      expect(sut.maxCostUsd('anthropic/claude-sonnet-4-5', 1_000, 0)).toBe('0.008');
    });

    it('returns null for an unpriced model', () => {
      expect(sut.maxCostUsd('custom/whatever', 1_000, 1_000)).toBeNull();
    });
  });

  describe('imageCost', () => {
    it('prices DALL·E 3 hd 1024x1792 per image times n', () => {
      expect(usd(sut.imageCost('openai/dall-e-3', { size: '1024x1792', quality: 'hd', n: 2 }))).toBe('0.24');
    });

    it('uses the default quality for "auto" or none', () => {
      expect(usd(sut.imageCost('openai/dall-e-3', { size: '1024x1024', quality: 'auto', n: 1 }))).toBe('0.04');
      expect(usd(sut.imageCost('openai/dall-e-2', { size: '512x512', quality: '', n: 3 }))).toBe('0.054');
    });

    it('prices gpt-image-1 per image when no usage is reported', () => {
      expect(usd(sut.imageCost('openai/gpt-image-1', { size: '1024x1536', quality: 'medium', n: 1, usage: null }))).toBe('0.063');
    });

    it('prices gpt-image-1 by its reported tokens: text input at $5/M, image output at $40/M', () => {
      const usage = { inputTokens: 50, outputTokens: 4_160 };
      expect(usd(sut.imageCost('openai/gpt-image-1', { size: '1024x1024', quality: 'high', n: 1, usage }))).toBe('0.16665');
    });

    it('returns null for an unknown size or quality', () => {
      expect(sut.imageCost('openai/dall-e-3', { size: '512x512', quality: 'standard', n: 1 })).toBeNull();
      expect(sut.imageCost('openai/dall-e-3', { size: '1024x1024', quality: 'ultra', n: 1 })).toBeNull();
      expect(sut.imageCost('openai/gpt-4o', { size: '1024x1024', quality: 'standard', n: 1 })).toBeNull();
    });

    it('prices the mock image model at zero for any size', () => {
      expect(usd(sut.imageCost('mock/image', { size: '64x64', quality: 'whatever', n: 4 }))).toBe('0');
    });
  });

  it('prices embeddings by input tokens', () => {
    expect(usd(sut.embeddingCost('openai/text-embedding-3-small', 1_000))).toBe('0.00002');
    expect(sut.embeddingCost('openai/unknown-embedding', 1_000)).toBeNull();
  });

  describe('overrides', () => {
    it('win over the shipped table and show as overrides in the list', () => {
      sut.setOverrides({ 'openai/gpt-4o-mini': { inputPerM: '1', outputPerM: '2' } });
      expect(usd(sut.cost('openai/gpt-4o-mini', { inputTokens: 1_000, outputTokens: 500 }))).toBe('0.002');
      expect(sut.listPrices().find((p) => p.model === 'openai/gpt-4o-mini')).toEqual({
        model: 'openai/gpt-4o-mini',
        inputPerM: '1',
        outputPerM: '2',
        source: 'override',
      });
    });

    it('price models the table does not know', () => {
      sut.setOverrides(parsePriceOverrides('{"ollama/llama3": {"input_per_m": 0.1, "output_per_m": "0.2"}}'));
      expect(sut.priceOf('ollama/llama3')).toEqual({ inputPerM: '0.1', outputPerM: '0.2' });
      expect(usd(sut.cost('ollama/llama3', { inputTokens: 10, outputTokens: 10 }))).toBe('0.000003');
    });

    it('replace the previous set, so removing an override restores the shipped price', () => {
      sut.setOverrides({ 'openai/gpt-4o-mini': { inputPerM: '1', outputPerM: '2' } });
      sut.setOverrides({});
      expect(sut.priceOf('openai/gpt-4o-mini')).toEqual(BUILTIN_PRICES['openai/gpt-4o-mini']);
    });

    it('bill 1-hour writes at the override’s own 1-hour rate', () => {
      sut.setOverrides(parsePriceOverrides('{"anthropic/claude-haiku-4-5": {"input_per_m": 1, "output_per_m": 5, "cache_write_1h_per_m": "2.5"}}'));
      expect(sut.priceOf('anthropic/claude-haiku-4-5')).toEqual({ inputPerM: '1', outputPerM: '5', cacheWrite1hPerM: '2.5' });
      expect(sut.costUsd('anthropic/claude-haiku-4-5', { inputTokens: 100, cacheWriteTokens: 100, cacheWrite1hTokens: 100, outputTokens: 0 })).toBe('0.00025');
    });

    it('without a 1-hour rate bill an Anthropic model’s 1-hour writes at 2× input, never at the cheaper 5-minute rate', () => {
      sut.setOverrides({ 'anthropic/claude-sonnet-4-5': { inputPerM: '4', outputPerM: '20', cacheWritePerM: '5' } });
      const written1h = { inputTokens: 1_000, cacheWriteTokens: 1_000, cacheWrite1hTokens: 1_000, outputTokens: 0 };
      expect(sut.costUsd('anthropic/claude-sonnet-4-5', written1h)).toBe('0.008');
      expect(sut.costUsd('anthropic/claude-sonnet-4-5', { ...written1h, cacheWrite1hTokens: 0 })).toBe('0.005');
    });

    it('without a 1-hour rate bill an Anthropic model’s 1-hour writes at its 5-minute rate when an operator set that above 2× input', () => {
      sut.setOverrides({ 'anthropic/claude-sonnet-4-5': { inputPerM: '1', outputPerM: '5', cacheWritePerM: '3' } });
      expect(sut.costUsd('anthropic/claude-sonnet-4-5', { inputTokens: 1_000, cacheWriteTokens: 1_000, cacheWrite1hTokens: 1_000, outputTokens: 0 })).toBe(
        '0.003',
      );
    });

    it('without a 1-hour rate bill another provider’s 1-hour writes at its 5-minute write rate, else at its input rate', () => {
      const written1h = { inputTokens: 1_000, cacheWriteTokens: 1_000, cacheWrite1hTokens: 1_000, outputTokens: 0 };
      sut.setOverrides({
        'custom/claude-proxy': { inputPerM: '2', outputPerM: '8', cacheWritePerM: '2.5' },
        'custom/plain': { inputPerM: '2', outputPerM: '8' },
      });
      expect(sut.costUsd('custom/claude-proxy', written1h)).toBe('0.0025');
      expect(sut.costUsd('custom/plain', written1h)).toBe('0.002');
    });

    it('keep the per-image prices of an image model', () => {
      sut.setOverrides({ 'openai/gpt-image-1': { inputPerM: '4', outputPerM: '30' } });
      expect(usd(sut.imageCost('openai/gpt-image-1', { size: '1024x1024', quality: 'low', n: 1 }))).toBe('0.011');
      const usage = { inputTokens: 0, outputTokens: 1_000 };
      expect(usd(sut.imageCost('openai/gpt-image-1', { size: '1024x1024', quality: 'low', n: 1, usage }))).toBe('0.03');
    });
  });

  it('lists every shipped price, sorted, marked builtin', () => {
    const list = sut.listPrices();
    expect(list.map((p) => p.model)).toEqual(Object.keys(BUILTIN_PRICES).sort());
    expect(list.every((p) => p.source === 'builtin')).toBe(true);
  });
});

describe(parsePriceOverrides.name, () => {
  it('reads numbers and numeric strings into decimal strings', () => {
    const parsed = parsePriceOverrides(
      '{"openai/gpt-4o": {"input_per_m": "2.5", "output_per_m": 10, "cached_input_per_m": 1.25, "cache_write_per_m": "0", "cache_write_1h_per_m": 6}}',
    );
    expect(parsed).toEqual({ 'openai/gpt-4o': { inputPerM: '2.5', outputPerM: '10', cachedInputPerM: '1.25', cacheWritePerM: '0', cacheWrite1hPerM: '6' } });
  });

  it.each([
    ['{"openai/gpt-4o": {"input_per_m": "-1", "output_per_m": "10"}}', /"openai\/gpt-4o": input_per_m must be a number/],
    ['{"openai/gpt-4o": {"input_per_m": "2.5", "output_per_m": "ten"}}', /"openai\/gpt-4o": output_per_m must be a number/],
    ['{"openai/gpt-4o": {"input_per_m": -0.5, "output_per_m": 1}}', /input_per_m must be a number or numeric string ≥ 0 \(got -0.5\)/],
    ['{"openai/gpt-4o": {"input_per_m": "2.5"}}', /"openai\/gpt-4o": output_per_m is required/],
    ['{"openai/gpt-4o": {"input_per_m": "1e-7", "output_per_m": 1}}', /input_per_m .*\(got "1e-7"\): must be a decimal string like "250.00"/],
    ['{"openai/gpt-4o": {"input_per_m": 1e-7, "output_per_m": 1}}', /input_per_m .*\(got 1e-7\): must have at most 6 decimal places/],
    ['{"openai/gpt-4o": {"input_per_m": "0.0000000001", "output_per_m": 1}}', /input_per_m .*: must have at most 6 decimal places/],
    // a dearer price could make one call cost more than its record holds (numeric(20,10): under $10 billion)
    ['{"openai/gpt-4o": {"input_per_m": 1, "output_per_m": "999999999999"}}', /output_per_m .*: must be at most 1000000/],
    ['{"openai/gpt-4o": {"input_per_m": 1, "output_per_m": 1e300}}', /output_per_m .*: must be at most 1000000/],
    ['{"openai/gpt-4o": {"input_per_m": "1000000.000001", "output_per_m": 1}}', /input_per_m .*: must be at most 1000000/],
    ['{"openai/gpt-4o": {"input_per_m": 1, "output_per_m": 1, "input": 2}}', /"openai\/gpt-4o": unknown field "input"/],
    ['{"gpt-4o": {"input_per_m": 1, "output_per_m": 1}}', /"gpt-4o": the key must be "provider\/model"/],
    ['{"openai/gpt-4o": 2.5}', /"openai\/gpt-4o" must be an object/],
    ['[]', /must be a JSON object/],
    ['{not json', /not valid JSON/],
  ])('rejects %s', (json, message) => {
    expect(() => parsePriceOverrides(json)).toThrow(message);
  });

  it('takes the dearest price, whose dearest call still fits its record', () => {
    const parsed = parsePriceOverrides('{"openai/gpt-4o": {"input_per_m": "1000000", "output_per_m": 1000000}}');
    const sut = new PricingService();
    sut.setOverrides(parsed);
    const most = sut.costUsd('openai/gpt-4o', { inputTokens: 2_147_483_647, outputTokens: 2_147_483_647 })!;
    expect(most).toBe('4294967294');
    expect(new Decimal(most).lt('1e10')).toBe(true);
  });

  it('validates an already-parsed body the same way', () => {
    expect(() => toPriceOverrides({ 'anthropic/claude-haiku-4-5': { input_per_m: null, output_per_m: 1 } })).toThrow(
      /"anthropic\/claude-haiku-4-5": input_per_m must be a number/,
    );
  });
});
