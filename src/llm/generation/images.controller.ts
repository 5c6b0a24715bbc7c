import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, GENERATION_ERRORS } from '../../common/openapi/api-errors.decorator';
import type { Request, Response } from 'express';
import { ClientAuth } from '../../common/auth.decorators';
import { Caller, CurrentCaller, CurrentRequestId } from '../../common/caller';
import { GenerateImageDto, GenerateImageResponseDto } from './dto/images.dto';
import { ImagesService } from './images.service';
import { clientAbortSignal, httpHooks } from './sse-sinks';

/** Image generation in the /api envelope. */
@ApiTags('generation')
@Controller('api/v1/images')
@ClientAuth()
export class ImagesController {
  constructor(private readonly images: ImagesService) {}

  @Post('generate')
  @HttpCode(200)
  @ApiOkResponse({ type: GenerateImageResponseDto })
  @ApiOperation({
    summary: 'Generate images',
    description:
      'Image generation (OpenAI DALL·E / gpt-image models). The cost depends on the model, size, quality and count, and is recorded like any other call.',
  })
  @ApiErrors(GENERATION_ERRORS)
  async generateImages(
    @Body() dto: GenerateImageDto,
    @CurrentCaller() caller: Caller,
    @CurrentRequestId() requestId: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<GenerateImageResponseDto> {
    const o = await this.images.generate({
      caller,
      requestId,
      endpoint: '/api/v1/images/generate',
      ...(dto.model !== undefined ? { model: dto.model } : {}),
      ...(dto.provider !== undefined ? { provider: dto.provider } : {}),
      prompt: dto.prompt,
      n: dto.n ?? 1,
      ...(dto.size !== undefined ? { size: dto.size } : {}),
      ...(dto.quality !== undefined ? { quality: dto.quality } : {}),
      ...(dto.response_format !== undefined ? { responseFormat: dto.response_format } : {}),
      metadata: dto.metadata ?? null,
      hooks: httpHooks(req, res),
      signal: clientAbortSignal(res),
    });
    return {
      request_id: o.requestId,
      provider: o.target.providerId,
      model: o.target.id,
      images: o.result.images.map((i) => ({
        ...(i.url ? { url: i.url } : {}),
        ...(i.b64Json ? { b64_json: i.b64Json } : {}),
        ...(i.revisedPrompt ? { revised_prompt: i.revisedPrompt } : {}),
      })),
      input_tokens: o.usage.inputTokens,
      output_tokens: o.usage.outputTokens,
      cost_usd: o.costUsd,
      price_unknown: o.priceUnknown,
      generation_time_ms: o.latencyMs,
      attempts: o.attempts,
    };
  }
}
