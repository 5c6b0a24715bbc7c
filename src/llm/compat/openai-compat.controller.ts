import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { AppError } from '../../common/errors/app-error';
import { ApiErrors, GENERATION_ERRORS } from '../../common/openapi/api-errors.decorator';
import type { Request, Response } from 'express';
import { ClientAuth } from '../../common/auth.decorators';
import { Caller, CurrentCaller, CurrentRequestId } from '../../common/caller';
import { AnthropicModelDto, AnthropicModelListDto } from './dto/anthropic-compat.dto';
import { anthropicModelPage, ModelPageQuery, toAnthropicModel } from './formats/anthropic-models.format';
import {
  ChatCompletionCreateDto,
  ChatCompletionResponseDto,
  EmbeddingCreateDto,
  EmbeddingResponseDto,
  ImageCreateDto,
  ImagesResponseDto,
  ModelDto,
  ModelListResponseDto,
} from './dto/openai-compat.dto';
import { EmbeddingsService } from '../generation/embeddings.service';
import { parseEmbeddingRequest, parseImageRequest, toEmbeddingResponse, toImagesResponse } from './formats/openai-misc.format';
import { ImagesService } from '../generation/images.service';
import { LlmService } from '../generation/llm.service';
import { ListedModel, ModelsService } from '../routing/models.service';
import { clientAbortSignal, httpHooks } from '../generation/sse-sinks';
import { setCostHeader } from './compat-call';
import { openAiChatCompletion } from './chat-routes';
import { ApiEventStream } from '../../common/openapi/event-stream';

/** Models are listed with a fixed `created`: the gateway does not know when a provider released them. */
const MODELS_CREATED = 1_700_000_000;

function toModelObject(m: ListedModel): ModelDto {
  return { id: m.id, object: 'model', created: MODELS_CREATED, owned_by: m.provider };
}

/** The Anthropic SDK sends anthropic-version with every call: its models calls get Anthropic's shapes. */
function fromAnthropicSdk(req: Request): boolean {
  return req.headers['anthropic-version'] !== undefined;
}

const ANTHROPIC_VERSION_HEADER = {
  name: 'anthropic-version',
  required: false,
  description: 'Sent by the Anthropic SDK: the answer is then in Anthropic’s shape (ModelInfo, and its paged list)',
};

/** `v1` for the OpenAI SDKs, `openai/v1` for groq-sdk. */
export const OPENAI_COMPAT_PREFIXES = ['v1', 'openai/v1'];

/**
 * OpenAI-compatible routes: any OpenAI SDK works by changing its base URL and key.
 * Also served under /openai/v1, where groq-sdk sends them (its base URL is the
 * server's root); the document lists them once, under /v1.
 */
@ApiTags('openai-compatible')
@Controller(OPENAI_COMPAT_PREFIXES)
@ClientAuth()
export class OpenAiCompatController {
  constructor(
    private readonly llm: LlmService,
    private readonly embeddings: EmbeddingsService,
    private readonly images: ImagesService,
    private readonly models: ModelsService,
  ) {}

  @Post('chat/completions')
  @HttpCode(200)
  @ApiBody({ type: ChatCompletionCreateDto })
  @ApiOkResponse({ type: ChatCompletionResponseDto, description: 'A ChatCompletion; with `stream: true`, a text/event-stream of chat.completion.chunk events' })
  @ApiEventStream('With `stream: true`: `data: {chat.completion.chunk}` events, then `data: [DONE]` (a `data: {error}` event if the provider fails mid-stream)')
  @ApiOperation({
    summary: 'Create a chat completion (OpenAI)',
    description:
      'The OpenAI chat completions API for every configured provider: point an OpenAI SDK at `<LLMHub>/v1` with an LLMHub key. With `stream: ' +
      'true` the answer is a `text/event-stream` of `chat.completion.chunk` events ending with `data: [DONE]` (usage in the last chunk with ' +
      '`stream_options.include_usage`). Accepted and ignored: user, seed, store, service_tier, n=1, response_format text, ' +
      'parallel_tool_calls=true, logprobs=false, penalties. Passed through to OpenAI-shaped providers: response_format json_object and ' +
      'json_schema (openai, groq, custom), logprobs and top_logprobs (openai, custom), answered in `choices[].logprobs` (streamed: in each ' +
      "chunk's), n>1 (openai, custom), answered as n choices (streamed: each chunk's choice keeps its index), reasoning_effort (openai, " +
      'groq, custom), verbosity (openai, custom); for a provider without them, a 400 naming the field. ' +
      'Refused with 400 naming the field: logit_bias, audio, functions. ' +
      'LLMHub extensions: `template` with `variables`, `fallbacks`, `metadata`. `usage.cost_usd` and the x-llmhub-cost-usd ' +
      'header carry the cost.',
  })
  @ApiErrors(GENERATION_ERRORS)
  async createChatCompletion(
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
    @CurrentRequestId() requestId: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return openAiChatCompletion(this.llm, body, { caller, requestId, req, res });
  }

  @Get('models')
  @ApiHeader(ANTHROPIC_VERSION_HEADER)
  @ApiQuery({ name: 'limit', required: false, type: Number, description: 'Anthropic shape only: models per page, 1–1000 (default 20)' })
  @ApiQuery({ name: 'after_id', required: false, type: String, description: 'Anthropic shape only: the page after this model id' })
  @ApiQuery({ name: 'before_id', required: false, type: String, description: 'Anthropic shape only: the page before this model id' })
  @ApiExtraModels(ModelListResponseDto, AnthropicModelListDto)
  @ApiOkResponse({ schema: { oneOf: [{ $ref: getSchemaPath(ModelListResponseDto) }, { $ref: getSchemaPath(AnthropicModelListDto) }] } })
  @ApiOperation({
    summary: 'List models (OpenAI, Anthropic)',
    description:
      'The models this key may use, as `provider/model` ids: in the OpenAI list shape, or, with the `anthropic-version` header the Anthropic SDK ' +
      'sends, in Anthropic’s paged shape (`limit`, `after_id`, `before_id`; `has_more`, `first_id`, `last_id`).',
  })
  listModels(@CurrentCaller() caller: Caller, @Query() query: ModelPageQuery, @Req() req: Request, @Res() res: Response): void {
    const models = this.models.list(caller);
    if (fromAnthropicSdk(req)) return void res.status(200).json(anthropicModelPage(models, query));
    res.status(200).json({ object: 'list', data: models.map(toModelObject) });
  }

  /** What the OpenAI SDK's models.retrieve calls (it sends the id URL-encoded, `openai%2Fgpt-4o-mini`). */
  @Get('models/:model')
  @ApiParam({ name: 'model', description: 'A `provider/model` id as GET /v1/models lists it (URL-encoded)', example: 'openai/gpt-4o-mini' })
  @ApiHeader(ANTHROPIC_VERSION_HEADER)
  @ApiExtraModels(ModelDto, AnthropicModelDto)
  @ApiOkResponse({ schema: { oneOf: [{ $ref: getSchemaPath(ModelDto) }, { $ref: getSchemaPath(AnthropicModelDto) }] } })
  @ApiOperation({
    summary: 'Retrieve a model (OpenAI, Anthropic)',
    description: 'One model this key may use, in the OpenAI model shape, or Anthropic’s ModelInfo with the `anthropic-version` header.',
  })
  @ApiErrors({ not_found: 'no such model, or the key may not use it' })
  getModel(@Param('model') id: string, @CurrentCaller() caller: Caller, @Req() req: Request, @Res() res: Response): void {
    const model = this.models.list(caller).find((m) => m.id === id);
    if (!model)
      throw new AppError('not_found', `The model \`${id}\` does not exist or you do not have access to it; GET /v1/models lists the models you may use.`);
    res.status(200).json(fromAnthropicSdk(req) ? toAnthropicModel(model) : toModelObject(model));
  }

  @Post('embeddings')
  @HttpCode(200)
  @ApiBody({ type: EmbeddingCreateDto })
  @ApiOkResponse({ type: EmbeddingResponseDto })
  @ApiOperation({
    summary: 'Create embeddings (OpenAI)',
    description: 'OpenAI-compatible embeddings, for the providers that offer them. `encoding_format: base64` is honoured.',
  })
  @ApiErrors(GENERATION_ERRORS)
  async createEmbeddings(
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
    @CurrentRequestId() requestId: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const parsed = parseEmbeddingRequest(body);
    const outcome = await this.embeddings.embed({
      caller,
      requestId,
      endpoint: '/v1/embeddings',
      model: parsed.model,
      input: parsed.input,
      ...(parsed.dimensions !== undefined ? { dimensions: parsed.dimensions } : {}),
      hooks: httpHooks(req, res),
      signal: clientAbortSignal(res),
    });
    setCostHeader(res, outcome.costUsd);
    res.status(200).json(toEmbeddingResponse(outcome, parsed.encodingFormat));
  }

  @Post('images/generations')
  @HttpCode(200)
  @ApiBody({ type: ImageCreateDto })
  @ApiOkResponse({ type: ImagesResponseDto })
  @ApiOperation({ summary: 'Create images (OpenAI)', description: 'OpenAI-compatible image generation; the cost depends on model, size, quality and count.' })
  @ApiErrors(GENERATION_ERRORS)
  async createImages(
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
    @CurrentRequestId() requestId: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const parsed = parseImageRequest(body);
    const outcome = await this.images.generate({
      caller,
      requestId,
      endpoint: '/v1/images/generations',
      ...parsed,
      hooks: httpHooks(req, res),
      signal: clientAbortSignal(res),
    });
    setCostHeader(res, outcome.costUsd);
    res.status(200).json(toImagesResponse(outcome));
  }
}
