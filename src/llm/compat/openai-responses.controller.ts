import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ClientAuth } from '../../common/auth.decorators';
import { Caller, CurrentCaller, CurrentRequestId } from '../../common/caller';
import { AppError } from '../../common/errors/app-error';
import { ApiErrors, GENERATION_ERRORS } from '../../common/openapi/api-errors.decorator';
import { LlmService } from '../generation/llm.service';
import { ResponseCreateDto, ResponseDeletedDto, ResponseObjectDto } from './dto/openai-responses.dto';
import { OPENAI_COMPAT_PREFIXES } from './openai-compat.controller';
import { openAiResponse } from './responses-route';
import { ApiEventStream } from '../../common/openapi/event-stream';

const NOT_STORED = { not_found: 'always: LLMHub stores no responses' };

function notStored(id: string): AppError {
  return new AppError(
    'not_found',
    `Response \`${id}\` is not stored: LLMHub keeps no responses (every answer says store: false). ` +
      'Send the whole conversation in input instead of previous_response_id.',
  );
}

/** The OpenAI Responses API, stateless: `client.responses.create()` works by changing the SDK's base URL and key. */
@ApiTags('openai-compatible')
@Controller(OPENAI_COMPAT_PREFIXES)
@ClientAuth()
export class OpenAiResponsesController {
  constructor(private readonly llm: LlmService) {}

  @Post('responses')
  @HttpCode(200)
  @ApiBody({ type: ResponseCreateDto })
  @ApiOkResponse({ type: ResponseObjectDto, description: 'A Response; with `stream: true`, a text/event-stream of Responses events' })
  @ApiEventStream(
    'With `stream: true`: named Responses events, each with `sequence_number`, from response.created to response.completed ' +
      '(or response.incomplete, or `error` and response.failed)',
  )
  @ApiOperation({
    summary: 'Create a response (OpenAI Responses)',
    description:
      'The OpenAI Responses API for every configured provider, stateless: point an OpenAI SDK at `<LLMHub>/v1` with an LLMHub key and call ' +
      '`responses.create`. Nothing is stored: send the whole conversation in `input` (`previous_response_id`, `conversation` and ' +
      '`background: true` are a 400 naming the field). With `stream: true` the answer is a `text/event-stream` of named events, each with ' +
      '`sequence_number`: response.created, response.in_progress, output items with their deltas, then response.completed (or ' +
      'response.incomplete) with the usage; a provider failing mid-stream ends it with `error` and response.failed. Function tools only: ' +
      'built-in tools are a 400 naming the tool type. `text.format` json_object and json_schema work as `response_format` does on ' +
      '/v1/chat/completions. `include: ["message.output_text.logprobs"]` (with `top_logprobs`) answers the output text’s logprobs. ' +
      '`reasoning.effort` and `text.verbosity` work as `reasoning_effort` and `verbosity` do there. ' +
      'Accepted and ignored: store, reasoning.summary, truncation, the other ' +
      'include values, service_tier, ' +
      'prompt_cache_key, safety_identifier. LLMHub extensions: `template` with `variables`, `fallbacks`. `usage.cost_usd` and the ' +
      'x-llmhub-cost-usd header carry the cost.',
  })
  @ApiErrors(GENERATION_ERRORS)
  async createResponse(
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
    @CurrentRequestId() requestId: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return openAiResponse(this.llm, body, { caller, requestId, req, res });
  }

  @Get('responses/:id')
  @ApiParam({ name: 'id', example: 'resp_0b6f3a57-5d3e-4c8e-9a57-2f1f4f6a9c10' })
  @ApiOkResponse({ type: ResponseObjectDto, description: 'Never: responses are not stored' })
  @ApiOperation({ summary: 'Retrieve a response (OpenAI Responses)', description: 'Always 404: LLMHub stores no responses.' })
  @ApiErrors(NOT_STORED)
  getResponse(@Param('id') id: string): ResponseObjectDto {
    throw notStored(id);
  }

  @Delete('responses/:id')
  @ApiParam({ name: 'id', example: 'resp_0b6f3a57-5d3e-4c8e-9a57-2f1f4f6a9c10' })
  @ApiOkResponse({ type: ResponseDeletedDto, description: 'Never: responses are not stored' })
  @ApiOperation({ summary: 'Delete a response (OpenAI Responses)', description: 'Always 404: LLMHub stores no responses.' })
  @ApiErrors(NOT_STORED)
  deleteResponse(@Param('id') id: string): ResponseDeletedDto {
    throw notStored(id);
  }
}
