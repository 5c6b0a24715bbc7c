import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ApiErrors, GENERATION_ERRORS } from '../common/openapi/api-errors.decorator';
import { AdminAuth } from '../common/auth.decorators';
import { PlaygroundResponseDto, PlaygroundRunDto } from '../llm/generation/dto/playground.dto';
import { PlaygroundService } from '../llm/generation/playground.service';
import {
  PromptCreateDto,
  PromptRenderDto,
  PromptRenderResponseDto,
  PromptTemplateDetailResponseDto,
  PromptTemplateListResponseDto,
  PromptVersionCreateDto,
  TEMPLATE_SAVE_INVALID,
  TEMPLATE_UPDATE_INVALID,
  TemplateListQueryDto,
  TemplateUpdateDto,
} from '../prompts/dto/prompt.dto';
import { TemplateAdminDetailResponseDto, TemplateStatsQueryDto, TemplateStatsResponseDto } from '../prompts/dto/template-stats.dto';
import { PromptActor, PromptLibraryService } from '../prompts/prompt-library.service';
import { PromptStatsService } from '../prompts/prompt-stats.service';
import { UuidParamPipe } from './uuid-param.pipe';

const ADMIN: PromptActor = { kind: 'admin' };

/** Every template, system ones included, addressed by id. */
@ApiTags('admin-templates')
@AdminAuth()
@Controller('api/admin/templates')
export class TemplatesAdminController {
  constructor(
    private readonly library: PromptLibraryService,
    private readonly stats: PromptStatsService,
    private readonly playground: PlaygroundService,
  ) {}

  @Get()
  @ApiOkResponse({ type: PromptTemplateListResponseDto })
  @ApiOperation({
    summary: 'List templates',
    description: 'Every template, system ones included, filtered by owner or `system`, in name order, paged by `limit` and `cursor`.',
  })
  listTemplates(@Query() query: TemplateListQueryDto): Promise<PromptTemplateListResponseDto> {
    return this.library.list(ADMIN, { limit: query.limit, cursor: query.cursor, ownerClientId: query.owner_client_id, system: query.system });
  }

  @Post()
  @ApiCreatedResponse({ type: PromptTemplateDetailResponseDto })
  @ApiOperation({ summary: 'Create a system template', description: 'A template every client can read and use, with its first version.' })
  @ApiErrors({ conflict: 'a system template with this name exists', validation_error: TEMPLATE_SAVE_INVALID })
  createSystemTemplate(@Body() dto: PromptCreateDto): Promise<PromptTemplateDetailResponseDto> {
    return this.library.create(ADMIN, dto);
  }

  @Get(':id')
  @ApiOkResponse({ type: TemplateAdminDetailResponseDto })
  @ApiOperation({ summary: 'Get a template', description: 'One template with its versions, labels, per-version statistics and A/B tests.' })
  @ApiErrors({ not_found: 'no template with this id' })
  async getTemplate(@Param('id', new UuidParamPipe()) id: string): Promise<TemplateAdminDetailResponseDto> {
    const detail = await this.library.get(ADMIN, id);
    const stats = await this.stats.templateStats(ADMIN, id);
    return { ...detail, stats: stats.versions, ab_tests: stats.ab_tests };
  }

  @Patch(':id')
  @ApiOkResponse({ type: PromptTemplateDetailResponseDto })
  @ApiOperation({
    summary: 'Update a template',
    description:
      'Change a template’s description, labels or A/B weights. While ab_weights are set they decide default (production) traffic, ' +
      'so the production label moves only in an update that also ends the test (ab_weights: null).',
  })
  @ApiErrors({
    not_found: 'no template with this id',
    conflict: 'moving the production label while ab_weights are set (they decide default traffic); send ab_weights: null in the same update',
    validation_error: TEMPLATE_UPDATE_INVALID,
  })
  updateTemplate(@Param('id', new UuidParamPipe()) id: string, @Body() dto: TemplateUpdateDto): Promise<PromptTemplateDetailResponseDto> {
    return this.library.update(ADMIN, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiOperation({ summary: 'Delete a template', description: 'Deletes a template; recorded generations keep their reference.' })
  @ApiErrors({ not_found: 'no template with this id' })
  async deleteTemplate(@Param('id', new UuidParamPipe()) id: string): Promise<void> {
    await this.library.remove(ADMIN, id);
  }

  @Post(':id/versions')
  @ApiCreatedResponse({ type: PromptTemplateDetailResponseDto })
  @ApiOperation({ summary: 'Add a template version', description: 'A new immutable version of a template.' })
  @ApiErrors({
    not_found: 'no template with this id',
    conflict: 'labels includes production while ab_weights are set (they decide default traffic)',
    validation_error: TEMPLATE_SAVE_INVALID,
  })
  createTemplateVersion(@Param('id', new UuidParamPipe()) id: string, @Body() dto: PromptVersionCreateDto): Promise<PromptTemplateDetailResponseDto> {
    return this.library.addVersion(ADMIN, id, dto);
  }

  @Get(':id/stats')
  @ApiOkResponse({ type: TemplateStatsResponseDto })
  @ApiOperation({
    summary: 'Template statistics',
    description: 'Per-version calls, success rate, feedback count and average score, tokens, cost and latency over `from`..`to`, and the A/B tests.',
  })
  @ApiErrors({ not_found: 'no template with this id' })
  getTemplateStats(@Param('id', new UuidParamPipe()) id: string, @Query() query: TemplateStatsQueryDto): Promise<TemplateStatsResponseDto> {
    return this.stats.templateStats(ADMIN, id, { from: query.from ? new Date(query.from) : undefined, to: query.to ? new Date(query.to) : undefined });
  }

  @Post(':id/render')
  @HttpCode(200)
  @ApiOkResponse({ type: PromptRenderResponseDto })
  @ApiNotFoundResponse({ description: 'not_found: unknown template, version or label' })
  @ApiUnprocessableEntityResponse({ description: 'validation_error naming each missing or undeclared variable' })
  @ApiOperation({
    summary: 'Render a template',
    description: 'Renders a version (or a label, default production) with variables, strictly; nothing is called.',
  })
  @ApiErrors({ not_found: 'unknown template, version or label', validation_error: 'a variable is missing or undeclared; details names each' })
  async renderTemplate(@Param('id', new UuidParamPipe()) id: string, @Body() dto: PromptRenderDto): Promise<PromptRenderResponseDto> {
    const r = await this.library.render(ADMIN, id, { version: dto.version, label: dto.label, subject: dto.subject }, dto.variables ?? {});
    return {
      template: r.templateName,
      template_id: r.templateId,
      version: r.version,
      system_prompt: r.systemPrompt,
      prompt: r.prompt,
      provider: r.provider,
      model: r.model,
      params: r.params,
    };
  }

  @Post(':id/playground')
  @HttpCode(200)
  @ApiOkResponse({ type: PlaygroundResponseDto })
  @ApiNotFoundResponse({ description: 'not_found: unknown template, version, label or model' })
  @ApiUnprocessableEntityResponse({ description: 'validation_error naming each missing or undeclared variable' })
  @ApiOperation({
    summary: 'Run a template in the playground',
    description:
      'Renders a version and runs it on a model: output, tokens, cost and latency. Billed to no client and not in the usage log (like a provider test).',
  })
  @ApiErrors({
    provider_not_configured: GENERATION_ERRORS.provider_not_configured,
    upstream_error: GENERATION_ERRORS.upstream_error,
    upstream_timeout: GENERATION_ERRORS.upstream_timeout,
    provider_unavailable: GENERATION_ERRORS.provider_unavailable,
    not_found: 'unknown template, version, label or model',
    validation_error: 'a variable is missing or undeclared; details names each',
  })
  async runTemplatePlayground(@Param('id', new UuidParamPipe()) id: string, @Body() dto: PlaygroundRunDto): Promise<PlaygroundResponseDto> {
    const r = await this.library.render(ADMIN, id, { version: dto.version, label: dto.label }, dto.variables ?? {});
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    const useVersionModel = dto.model === undefined;
    const run = await this.playground.run({
      system: r.systemPrompt,
      prompt: r.prompt,
      model: useVersionModel ? (r.model ?? undefined) : dto.model,
      provider: useVersionModel ? (r.provider ?? undefined) : undefined,
      maxTokens: dto.max_tokens ?? num(r.params.max_tokens),
      temperature: dto.temperature ?? num(r.params.temperature),
    });
    return {
      version: r.version,
      system_prompt: r.systemPrompt,
      prompt: r.prompt,
      model: run.model,
      output: run.output,
      finish_reason: run.finishReason,
      input_tokens: run.inputTokens,
      output_tokens: run.outputTokens,
      cost_usd: run.costUsd,
      price_unknown: run.priceUnknown,
      latency_ms: run.latencyMs,
      attempts: run.attempts,
    };
  }
}
