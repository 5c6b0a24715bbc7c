import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, GENERATION_ERRORS } from '../../common/openapi/api-errors.decorator';
import type { Request, Response } from 'express';
import { ClientAuth } from '../../common/auth.decorators';
import { Caller, CurrentCaller, CurrentRequestId } from '../../common/caller';
import { GenerateContentDto, GenerateContentResponseDto, GenerateDto, GenerateResponseDto, GenerationFieldsDto, toTemplateInput } from './dto/generate.dto';
import { GenerateContentService } from './generate-content.service';
import { GenerationInput } from './generation.types';
import { toGenerateResponse } from './generation-response';
import { LlmService } from './llm.service';
import { ChatMessage } from '../providers/llm-provider';
import { clientAbortSignal, httpHooks } from './sse-sinks';
import type { GenerationEndpoint } from '../../common/generation-endpoints';

function toInput(
  dto: GenerationFieldsDto & { messages?: GenerateDto['messages'] },
  endpoint: GenerationEndpoint,
  caller: Caller,
  requestId: string,
  req: Request,
  res: Response,
): GenerationInput {
  const messages: ChatMessage[] = (dto.messages ?? []).map((m) => ({ role: m.role, content: m.content }));
  if (dto.prompt !== undefined) messages.push({ role: 'user', content: dto.prompt });
  return {
    caller,
    requestId,
    endpoint,
    ...(dto.model !== undefined ? { model: dto.model } : {}),
    ...(dto.provider !== undefined ? { provider: dto.provider } : {}),
    ...(dto.fallbacks !== undefined ? { fallbacks: dto.fallbacks } : {}),
    ...(dto.system !== undefined ? { system: dto.system } : {}),
    messages,
    params: {
      ...(dto.max_tokens !== undefined ? { maxTokens: dto.max_tokens } : {}),
      ...(dto.temperature !== undefined ? { temperature: dto.temperature } : {}),
    },
    ...(dto.template !== undefined ? { template: toTemplateInput(dto.template) } : {}),
    ...(dto.variables !== undefined ? { variables: dto.variables } : {}),
    ...(dto.subject !== undefined ? { subject: dto.subject } : {}),
    metadata: dto.metadata ?? null,
    hooks: httpHooks(req, res),
    signal: clientAbortSignal(res),
  };
}

/** LLMHub's own generation endpoints (the /api envelope). */
@ApiTags('generation')
@Controller('api/v1/llm')
@ClientAuth()
export class GenerateController {
  constructor(
    private readonly llm: LlmService,
    private readonly content: GenerateContentService,
  ) {}

  @Post('generate')
  @HttpCode(200)
  @ApiOkResponse({ type: GenerateResponseDto })
  @ApiOperation({
    summary: 'Generate text',
    description:
      'One generation from `messages`, a `prompt` or a `template` with `variables`. `model` is `provider/model` (e.g. `openai/gpt-4o-mini`, ' +
      '`mock/echo`) or a known bare name; `fallbacks` lists models to try in order when the first fails. The answer carries the request id, ' +
      'provider, model, tokens, exact cost (`cost_usd`, a decimal string) and timing.',
  })
  @ApiErrors(GENERATION_ERRORS)
  async generateText(
    @Body() dto: GenerateDto,
    @CurrentCaller() caller: Caller,
    @CurrentRequestId() requestId: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<GenerateResponseDto> {
    const outcome = await this.llm.generate(toInput(dto, '/api/v1/llm/generate', caller, requestId, req, res));
    return toGenerateResponse(outcome);
  }

  @Post('generate-content')
  @HttpCode(200)
  @ApiOkResponse({ type: GenerateContentResponseDto, description: 'At least one language succeeded; a failed language carries its error' })
  @ApiOperation({
    summary: 'Generate in several languages',
    description:
      'The same content in each of `languages`, generated concurrently from a `prompt` or a template; one result (with its own request id) per ' +
      'language, plus totals. A language that fails carries its error while the others still answer; when every language fails, the answer is an ' +
      'error whose details has one entry per language with its code.',
  })
  @ApiErrors({
    ...GENERATION_ERRORS,
    upstream_error:
      'every language failed: the failures’ common code and status when they share one (e.g. 504 upstream_timeout), else 502 upstream_error; ' +
      'details has one entry per language with its code',
  })
  async generateContent(
    @Body() dto: GenerateContentDto,
    @CurrentCaller() caller: Caller,
    @CurrentRequestId() requestId: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<GenerateContentResponseDto> {
    return this.content.generate(toInput(dto, '/api/v1/llm/generate-content', caller, requestId, req, res), dto.languages);
  }
}
