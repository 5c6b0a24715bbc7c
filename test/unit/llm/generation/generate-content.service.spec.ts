import { AppError } from '@src/common/errors/app-error';
import { LanguageResultDto } from '@src/llm/generation/dto/generate.dto';
import { GenerateContentService, checkLanguages, everyLanguageFailed } from '@src/llm/generation/generate-content.service';
import type { GenerationInput, GenerationOutcome, PreparedGeneration } from '@src/llm/generation/generation.types';
import type { LlmService } from '@src/llm/generation/llm.service';
import type { TokensService } from '@src/llm/generation/tokens.service';

const target = { id: 'mock/echo', providerId: 'mock', model: 'echo', provider: {} as never };
const prepared: PreparedGeneration = {
  caller: {} as never,
  endpoint: '/api/v1/llm/generate-content',
  targets: [target],
  requestedModel: 'mock/echo',
  request: { messages: [{ role: 'user', content: 'tagline' }] },
  estimatedInputTokens: 1,
  maxOutputTokens: 10,
  template: null,
  metadata: null,
};

function service(execute: (p: PreparedGeneration, id: string) => Promise<GenerationOutcome>): GenerateContentService {
  const llm = { prepare: async () => prepared, execute } as unknown as LlmService;
  const tokens = { count: () => 5 } as unknown as TokensService;
  return new GenerateContentService(llm, tokens);
}

function outcome(id: string, text: string, cost: string): GenerationOutcome {
  return {
    requestId: id,
    target,
    requestedModel: 'mock/echo',
    text,
    finishReason: 'stop',
    usage: { inputTokens: 3, outputTokens: 2 },
    costUsd: cost,
    priceUnknown: false,
    latencyMs: 1,
    attempts: 1,
    template: null,
    headers: {},
    createdAt: new Date(),
  };
}

describe('GenerateContentService', () => {
  const input = { requestId: 'parent', hooks: {} } as unknown as GenerationInput;

  it('runs the languages concurrently, each with its own request id, and sums exact costs', async () => {
    let running = 0;
    let peak = 0;
    const svc = service(async (p, id) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 10));
      running--;
      return outcome(id, p.request.system!, '0.1');
    });
    const result = await svc.generate(input, ['en', 'de', 'fr']);
    expect(peak).toBe(3);
    expect(new Set(result.results.map((r) => r.request_id)).size).toBe(3);
    expect(result.results[1].content).toContain('German');
    expect(result.totals).toMatchObject({ succeeded: 3, failed: 0, cost_usd: '0.3', input_tokens: 9, output_tokens: 6 });
  });

  it('reports a failing language as its own error without failing the others', async () => {
    const svc = service(async (p, id) => {
      if (p.request.system!.includes('French')) throw new AppError('upstream_error', 'provider down');
      return outcome(id, 'ok', '0.25');
    });
    const result = await svc.generate(input, ['en', 'fr', 'de']);
    expect(result.results.map((r) => r.error?.code ?? null)).toEqual([null, 'upstream_error', null]);
    expect(result.results[1].content).toBeNull();
    expect(result.totals).toMatchObject({ succeeded: 2, failed: 1, cost_usd: '0.5' });
  });

  it('validates language codes, naming each bad one', () => {
    expect(checkLanguages(['en', 'pt-br', 'en'])).toEqual(['en', 'pt-BR']);
    expect(() => checkLanguages(['en', 'xx!'])).toThrow(AppError);
    expect(() => checkLanguages(Array.from({ length: 21 }, () => 'en'))).toThrow(/At most 20/);
  });

  describe(everyLanguageFailed.name, () => {
    const failed = (language: string, code: string): LanguageResultDto =>
      ({ language, request_id: language, error: { code, message: `${language} ${code}` } }) as LanguageResultDto;

    it("answers the failures' common code and status", () => {
      const error = everyLanguageFailed([failed('en', 'rate_limited'), failed('de', 'rate_limited')]);
      expect(error).toMatchObject({ code: 'rate_limited', status: 429 });
      expect(error.details).toEqual([
        { field: 'languages.en', code: 'rate_limited', message: 'en rate_limited' },
        { field: 'languages.de', code: 'rate_limited', message: 'de rate_limited' },
      ]);
    });

    it('answers 502 upstream_error when the failures differ, naming each', () => {
      const error = everyLanguageFailed([failed('en', 'upstream_timeout'), failed('de', 'upstream_error')]);
      expect(error).toMatchObject({ code: 'upstream_error', status: 502, message: 'Every language failed (2 of 2): en: upstream_timeout, de: upstream_error' });
    });
  });
});
