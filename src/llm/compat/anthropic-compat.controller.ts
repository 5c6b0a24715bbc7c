import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, GENERATION_ERRORS } from '../../common/openapi/api-errors.decorator';
import type { Request, Response } from 'express';
import { ClientAuth } from '../../common/auth.decorators';
import { Caller, CurrentCaller, CurrentRequestId } from '../../common/caller';
import { MessageCountTokensDto, MessageCreateDto, MessageResponseDto, MessageTokensCountDto } from './dto/anthropic-compat.dto';
import { LlmService } from '../generation/llm.service';
import { clientAbortSignal } from '../generation/sse-sinks';
import { anthropicMessage } from './chat-routes';
import { parseCountTokensRequest } from './formats/anthropic-messages.format';
import { TokenCountService } from './token-count.service';
import { ApiEventStream } from '../../common/openapi/event-stream';

/** Anthropic-compatible Messages API: the Anthropic SDK works by changing its base URL and key, for any provider. */
@ApiTags('anthropic-compatible')
@Controller('v1')
@ClientAuth()
export class AnthropicCompatController {
  constructor(
    private readonly llm: LlmService,
    private readonly counter: TokenCountService,
  ) {}

  @Post('messages')
  @HttpCode(200)
  @ApiBody({ type: MessageCreateDto })
  @ApiOkResponse({ type: MessageResponseDto, description: 'A Message; with `stream: true`, a text/event-stream of Anthropic events' })
  @ApiEventStream('With `stream: true`: named Anthropic events, message_start … message_stop (an `error` event if the provider fails mid-stream)')
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

  @Post('messages/count_tokens')
  @HttpCode(200)
  @ApiBody({ type: MessageCountTokensDto })
  @ApiOkResponse({ type: MessageTokensCountDto })
  @ApiOperation({
    summary: 'Count the input tokens of a message (Anthropic)',
    description:
      'What the Anthropic SDK’s `messages.countTokens` calls: the input tokens the same `/v1/messages` body would use. For an `anthropic/` model ' +
      'Anthropic counts them; for other providers LLMHub counts with its own o200k tokenizer (close to, not exactly, their billing count). ' +
      'Not a generation: free, not recorded, not counted against the key’s rate limits or budget; the model must be one the key may use.',
  })
  @ApiErrors({
    model_not_allowed: GENERATION_ERRORS.model_not_allowed,
    provider_not_configured: GENERATION_ERRORS.provider_not_configured,
    upstream_error: 'Anthropic’s count_tokens failed after retries',
    provider_unavailable: GENERATION_ERRORS.provider_unavailable,
    upstream_timeout: GENERATION_ERRORS.upstream_timeout,
  })
  async countMessageTokens(@Body() body: unknown, @CurrentCaller() caller: Caller, @Res() res: Response): Promise<void> {
    const inputTokens = await this.counter.countInputTokens(caller, parseCountTokensRequest(body), clientAbortSignal(res));
    res.status(200).json({ input_tokens: inputTokens });
  }
}
