import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ClientAuth } from '../common/auth.decorators';
import { Caller, CurrentCaller, CurrentRequestId } from '../common/caller';
import { parseMessagesRequest, toAnthropicMessage } from './formats/anthropic-messages.format';
import { GenerationInput } from './generation.types';
import { LlmService } from './llm.service';
import { COST_HEADER } from './openai-compat.controller';
import { AnthropicStreamSink, clientAbortSignal, httpHooks } from './sse-sinks';

/** Anthropic-compatible Messages API: the Anthropic SDK works by changing its base URL and key, for any provider. */
@ApiTags('anthropic-compatible')
@Controller('v1')
@ClientAuth()
export class AnthropicCompatController {
  constructor(private readonly llm: LlmService) {}

  @Post('messages')
  @HttpCode(200)
  @ApiOperation({ summary: 'Anthropic Messages API, streaming included, for any configured provider' })
  @ApiBody({
    description: 'An Anthropic Messages body. LLMHub extensions: template, variables, fallbacks. usage carries cost_usd.',
    schema: { type: 'object', required: ['model', 'max_tokens'], additionalProperties: true },
  })
  @ApiOkResponse({ description: 'an Anthropic Message (or a text/event-stream of Anthropic events)' })
  async createMessage(@Body() body: unknown, @CurrentCaller() caller: Caller, @CurrentRequestId() requestId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const parsed = parseMessagesRequest(body);
    const input: GenerationInput = {
      caller,
      requestId,
      endpoint: '/v1/messages',
      model: parsed.model,
      ...(parsed.system !== undefined ? { system: parsed.system } : {}),
      messages: parsed.messages,
      params: parsed.params,
      ...(parsed.fallbacks ? { fallbacks: parsed.fallbacks } : {}),
      ...(parsed.template ? { template: parsed.template } : {}),
      ...(parsed.variables ? { variables: parsed.variables } : {}),
      metadata: parsed.metadata ?? null,
      hooks: httpHooks(req, res),
      signal: clientAbortSignal(res),
    };
    if (parsed.stream) {
      await this.llm.stream(input, new AnthropicStreamSink(res));
      return;
    }
    const outcome = await this.llm.generate(input);
    if (outcome.costUsd === null) res.setHeader('x-llmhub-price-unknown', 'true');
    else res.setHeader(COST_HEADER, outcome.costUsd);
    res.status(200).json(toAnthropicMessage(outcome));
  }
}
