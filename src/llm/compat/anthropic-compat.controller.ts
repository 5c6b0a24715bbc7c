import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, GENERATION_ERRORS } from '../../common/openapi/api-errors.decorator';
import type { Request, Response } from 'express';
import { ClientAuth } from '../../common/auth.decorators';
import { Caller, CurrentCaller, CurrentRequestId } from '../../common/caller';
import { MessageCreateDto, MessageResponseDto } from './dto/anthropic-compat.dto';
import { LlmService } from '../generation/llm.service';
import { anthropicMessage } from './chat-routes';

/** Anthropic-compatible Messages API: the Anthropic SDK works by changing its base URL and key, for any provider. */
@ApiTags('anthropic-compatible')
@Controller('v1')
@ClientAuth()
export class AnthropicCompatController {
  constructor(private readonly llm: LlmService) {}

  @Post('messages')
  @HttpCode(200)
  @ApiBody({ type: MessageCreateDto })
  @ApiOkResponse({ type: MessageResponseDto, description: 'A Message; with `stream: true`, a text/event-stream of Anthropic events' })
  @ApiOperation({
    summary: 'Create a message (Anthropic)',
    description:
      'The Anthropic Messages API for every configured provider: point the Anthropic SDK at `<LLMHub>` with an LLMHub key. With `stream: true` ' +
      'the answer is a `text/event-stream` of Anthropic events (message_start … message_stop). LLMHub extensions: `template` with `variables`, ' +
      '`fallbacks`, `metadata`; `usage.cost_usd` carries the cost.',
  })
  @ApiErrors(GENERATION_ERRORS)
  async createMessage(
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
    @CurrentRequestId() requestId: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return anthropicMessage(this.llm, body, { caller, requestId, req, res });
  }
}
