import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ClientAuth } from '../common/auth.decorators';
import { Caller, CurrentCaller, CurrentRequestId } from '../common/caller';
import { EmbeddingsService } from './embeddings.service';
import { parseChatCompletion, toChatCompletion } from './formats/openai-chat.format';
import { parseEmbeddingRequest, parseImageRequest, toEmbeddingResponse, toImagesResponse } from './formats/openai-misc.format';
import { GenerationInput } from './generation.types';
import { ImagesService } from './images.service';
import { LlmService } from './llm.service';
import { ModelsService } from './models.service';
import { clientAbortSignal, httpHooks, OpenAiStreamSink } from './sse-sinks';

/** Models are listed with a fixed `created`: the gateway does not know when a provider released them. */
const MODELS_CREATED = 1_700_000_000;

export const COST_HEADER = 'x-llmhub-cost-usd';

function setCostHeader(res: Response, costUsd: string | null): void {
  if (costUsd === null) res.setHeader('x-llmhub-price-unknown', 'true');
  else res.setHeader(COST_HEADER, costUsd);
}

const CHAT_BODY_DOC = {
  description:
    'An OpenAI chat.completions body (model, messages, temperature, top_p, max_tokens / max_completion_tokens, stop, tools, tool_choice, stream, stream_options.include_usage). ' +
    'Accepted and ignored: user, seed, store, service_tier, n=1, response_format text, parallel_tool_calls=true, logprobs=false, penalties. ' +
    'Refused with 400 naming the field: n>1, JSON response formats, logprobs, logit_bias, audio, functions. ' +
    'LLMHub extensions: template (name or {name, version?, label?}) with variables, fallbacks (ordered models), metadata (stored with the record). ' +
    'The usage object carries cost_usd; the x-llmhub-cost-usd header too (non-streaming).',
  schema: { type: 'object', required: ['model'], additionalProperties: true },
};

/** OpenAI-compatible routes: any OpenAI SDK works by changing its base URL and key. */
@ApiTags('openai-compatible')
@Controller('v1')
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
  @ApiOperation({ summary: 'OpenAI chat completion, streaming included, for any configured provider' })
  @ApiBody(CHAT_BODY_DOC)
  @ApiOkResponse({ description: 'an OpenAI ChatCompletion (or a text/event-stream of chunks)' })
  async createChatCompletion(@Body() body: unknown, @CurrentCaller() caller: Caller, @CurrentRequestId() requestId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const parsed = parseChatCompletion(body);
    const input: GenerationInput = {
      caller,
      requestId,
      endpoint: '/v1/chat/completions',
      model: parsed.model,
      messages: parsed.messages,
      params: parsed.params,
      ...(parsed.fallbacks ? { fallbacks: parsed.fallbacks } : {}),
      ...(parsed.template ? { template: parsed.template } : {}),
      ...(parsed.variables ? { variables: parsed.variables } : {}),
      ...(parsed.subject ? { subject: parsed.subject } : {}),
      metadata: parsed.metadata ?? null,
      hooks: httpHooks(req, res),
      signal: clientAbortSignal(res),
    };
    if (parsed.stream) {
      await this.llm.stream(input, new OpenAiStreamSink(res, parsed.includeUsage));
      return;
    }
    const outcome = await this.llm.generate(input);
    setCostHeader(res, outcome.costUsd);
    res.status(200).json(toChatCompletion(outcome));
  }

  @Get('models')
  @ApiOperation({ summary: 'The models this key may use, as provider/model ids' })
  @ApiOkResponse({ description: 'an OpenAI model list' })
  listModels(@CurrentCaller() caller: Caller, @Res() res: Response): void {
    const data = this.models.list(caller).map((m) => ({ id: m.id, object: 'model', created: MODELS_CREATED, owned_by: m.provider }));
    res.status(200).json({ object: 'list', data });
  }

  @Post('embeddings')
  @HttpCode(200)
  @ApiOperation({ summary: 'OpenAI-compatible embeddings, for the providers that offer them' })
  @ApiBody({ schema: { type: 'object', required: ['model', 'input'], additionalProperties: true } })
  async createEmbeddings(@Body() body: unknown, @CurrentCaller() caller: Caller, @CurrentRequestId() requestId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
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
  @ApiOperation({ summary: 'OpenAI-compatible image generation' })
  @ApiBody({ schema: { type: 'object', required: ['prompt'], additionalProperties: true } })
  async createImages(@Body() body: unknown, @CurrentCaller() caller: Caller, @CurrentRequestId() requestId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
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
