import { Injectable } from '@nestjs/common';
import Decimal from 'decimal.js';
import { AppError } from '../../common/errors/app-error';
import { ERROR_STATUS, ErrorCode } from '../../common/errors/error-codes';
import { timeOrderedUuid } from '../../common/uuid';
import { GenerateContentResponseDto, LanguageResultDto } from './dto/generate.dto';
import { GenerationInput, GenerationOutcome, PreparedGeneration, TemplateUse } from './generation.types';
import { toGenerateResponse } from './generation-response';
import { LlmService } from './llm.service';
import { TokensService } from './tokens.service';

export const MAX_LANGUAGES = 20;
const LANGUAGE_CODE = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8}){0,3}$/;
const languageNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });

/** The English name of a BCP 47 code (`de` → German), or undefined for a code no one knows. */
export function languageName(code: string): string | undefined {
  if (!LANGUAGE_CODE.test(code)) return undefined;
  try {
    const canonical = Intl.getCanonicalLocales(code)[0];
    return canonical ? languageNames.of(canonical) : undefined;
  } catch {
    return undefined;
  }
}

/** Validates and de-duplicates a language list; throws validation_error naming each bad entry. */
export function checkLanguages(languages: string[]): string[] {
  if (languages.length === 0) throw new AppError('validation_error', 'Give at least one language', [{ field: 'languages', message: 'must not be empty' }]);
  if (languages.length > MAX_LANGUAGES) {
    throw new AppError('validation_error', `At most ${MAX_LANGUAGES} languages per request`, [{ field: 'languages', message: `at most ${MAX_LANGUAGES}` }]);
  }
  const details = languages.flatMap((code, i) =>
    languageName(code) ? [] : [{ field: `languages[${i}]`, message: `"${code}" is not a language code (e.g. en, de, pt-BR)` }],
  );
  if (details.length > 0) throw new AppError('validation_error', 'Unknown language codes', details);
  return [...new Set(languages.map((code) => Intl.getCanonicalLocales(code)[0]))];
}

/**
 * The same content in several languages: one prepared generation (template
 * rendered once, so every language uses the same version), run concurrently,
 * one record and request id per language; a failing language reports its
 * error without failing the others.
 */
@Injectable()
export class GenerateContentService {
  constructor(
    private readonly llm: LlmService,
    private readonly tokens: TokensService,
  ) {}

  async generate(input: GenerationInput, languages: string[]): Promise<GenerateContentResponseDto> {
    const codes = checkLanguages(languages);
    const prepared = await this.llm.prepare(input);
    // the request as a whole is answered below; each language records itself
    const started = performance.now();
    const results = await Promise.all(codes.map((code) => this.one(prepared, code, input)));
    if (results.every((r) => r.error !== null)) throw everyLanguageFailed(results);
    return { request_id: input.requestId, template: templateOf(prepared.template), results, totals: totals(results, performance.now() - started) };
  }

  private async one(prepared: PreparedGeneration, code: string, input: GenerationInput): Promise<LanguageResultDto> {
    const instruction = `Write the answer in ${languageName(code)} (language code ${code}).`;
    const system = prepared.request.system ? `${prepared.request.system}\n\n${instruction}` : instruction;
    const forLanguage: PreparedGeneration = {
      ...prepared,
      request: { ...prepared.request, system },
      estimatedInputTokens: prepared.estimatedInputTokens + this.tokens.count(instruction),
      metadata: { ...(prepared.metadata ?? {}), language: code, parent_request_id: input.requestId },
    };
    const requestId = timeOrderedUuid();
    try {
      return fromOutcome(code, await this.llm.execute(forLanguage, requestId, { recorded: input.hooks?.recorded }, input.signal));
    } catch (error) {
      const appError = error instanceof AppError ? error : new AppError('internal_error', 'Internal error');
      const target = prepared.targets[0];
      return {
        language: code,
        request_id: requestId,
        provider: target.providerId,
        model: target.id,
        content: null,
        finish_reason: null,
        input_tokens: 0,
        output_tokens: 0,
        cost_usd: '0',
        price_unknown: false,
        generation_time_ms: 0,
        attempts: 'attempts' in appError && typeof appError.attempts === 'number' ? appError.attempts : 0,
        error: { code: appError.code, message: appError.message },
      };
    }
  }
}

/**
 * No language succeeded: an error status, not a 200. The failures' common code
 * when they share one (400 provider_not_configured, 429, 504 …), else 502
 * upstream_error; `details` keeps each language's own error.
 */
export function everyLanguageFailed(results: LanguageResultDto[]): AppError {
  const failures = results.map((r) => ({ language: r.language, error: r.error! }));
  const codes = new Set(failures.map((f) => f.error.code));
  const common = codes.size === 1 && isErrorCode(failures[0].error.code) ? failures[0].error.code : undefined;
  const details = failures.map((f) => ({ field: `languages.${f.language}`, code: f.error.code, message: f.error.message }));
  const summary = common ? failures[0].error.message : failures.map((f) => `${f.language}: ${f.error.code}`).join(', ');
  return new AppError(common ?? 'upstream_error', `Every language failed (${failures.length} of ${failures.length}): ${summary}`, details);
}

function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_STATUS, code);
}

function templateOf(template: TemplateUse | null): GenerateContentResponseDto['template'] {
  return template ? { name: template.name, version: template.version } : null;
}

function fromOutcome(code: string, o: GenerationOutcome): LanguageResultDto {
  // the template is reported once for the request, and a language has no fallback of its own to name
  const { template: _template, requested_model: _requested, ...fields } = toGenerateResponse(o);
  return { language: code, ...fields, error: null };
}

function totals(results: LanguageResultDto[], elapsedMs: number): GenerateContentResponseDto['totals'] {
  const priced = results.filter((r) => r.cost_usd !== null);
  const cost = priced.reduce((sum, r) => sum.plus(r.cost_usd!), new Decimal(0));
  return {
    languages: results.length,
    succeeded: results.filter((r) => r.error === null).length,
    failed: results.filter((r) => r.error !== null).length,
    input_tokens: results.reduce((sum, r) => sum + r.input_tokens, 0),
    output_tokens: results.reduce((sum, r) => sum + r.output_tokens, 0),
    cost_usd: priced.length === 0 ? null : cost.toFixed(),
    price_unknown: results.some((r) => r.price_unknown),
    generation_time_ms: Math.round(elapsedMs),
  };
}
