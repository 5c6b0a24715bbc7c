import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBadGatewayResponse, ApiBadRequestResponse, ApiGatewayTimeoutResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ClientAuth } from '../common/auth.decorators';
import { Caller, CurrentCaller, CurrentRequestId } from '../common/caller';
import { GenerateContentDto, GenerateContentResponseDto, GenerateDto, GenerateResponseDto, GenerationFieldsDto, toTemplateInput } from './dto/generate.dto';
import { GenerateContentResult, GenerateContentService } from './generate-content.service';
import { GenerationInput } from './generation.types';
import { toGenerateResponse } from './generation-response';
import { LlmService } from './llm.service';
import { ChatMessage } from './providers/llm-provider';
import { clientAbortSignal, httpHooks } from './sse-sinks';

function toInput(dto: GenerationFieldsDto & { messages?: GenerateDto['messages'] }, endpoint: string, caller: Caller, requestId: string, req: Request, res: Response): GenerationInput {
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
  @ApiOperation({ summary: 'One generation from messages, a prompt or a template' })
  @ApiOkResponse({ type: GenerateResponseDto })
  @ApiBadRequestResponse({ description: 'provider_not_configured' })
  @ApiBadGatewayResponse({ description: 'upstream_error' })
  @ApiServiceUnavailableResponse({ description: 'provider_unavailable' })
  @ApiGatewayTimeoutResponse({ description: 'upstream_timeout' })
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
  @ApiOperation({ summary: 'The same content in several languages, generated concurrently; one result (and request id) per language' })
  @ApiOkResponse({ type: GenerateContentResponseDto, description: 'at least one language succeeded; a failed language carries its error' })
  @ApiBadGatewayResponse({ description: 'every language failed: the failures\' common code and status when they share one (e.g. 504 upstream_timeout), else 502 upstream_error; details has one entry per language with its code' })
  async generateContent(
    @Body() dto: GenerateContentDto,
    @CurrentCaller() caller: Caller,
    @CurrentRequestId() requestId: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<GenerateContentResult> {
    return this.content.generate(toInput(dto, '/api/v1/llm/generate-content', caller, requestId, req, res), dto.languages);
  }
}
