import { GenerateResponseDto } from './dto/generate.dto';
import { GenerationOutcome } from './generation.types';

/** The /api answer for one generation (the fields of docs/API.md); generate-content reuses it per language. */
export function toGenerateResponse(o: GenerationOutcome): GenerateResponseDto {
  return {
    request_id: o.requestId,
    provider: o.target.providerId,
    model: o.target.id,
    ...(o.requestedModel !== o.target.id ? { requested_model: o.requestedModel } : {}),
    content: o.text,
    finish_reason: o.finishReason,
    input_tokens: o.usage.inputTokens,
    output_tokens: o.usage.outputTokens,
    cost_usd: o.costUsd,
    price_unknown: o.priceUnknown,
    generation_time_ms: o.latencyMs,
    attempts: o.attempts,
    ...(o.template ? { template: { name: o.template.name, version: o.template.version } } : {}),
  };
}
