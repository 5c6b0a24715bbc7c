import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { ClientAuth } from '../common/auth.decorators';
import { Caller, CurrentCaller } from '../common/caller';
import { PageQueryDto } from '../common/dto/page-query.dto';
import {
  PromptCreateDto,
  PromptRenderDto,
  PromptRenderResponseDto,
  PromptTemplateDetailResponseDto,
  PromptTemplateListResponseDto,
  PromptUpdateDto,
  PromptVersionCreateDto,
  TEMPLATE_SAVE_INVALID,
  TEMPLATE_UPDATE_INVALID,
} from './dto/prompt.dto';
import { PromptActor, PromptLibraryService } from './prompt-library.service';
import { PromptsService } from './prompts.service';

const actorOf = (caller: Caller): PromptActor => ({ kind: 'client', clientId: caller.clientId });

/** The caller's own templates plus read access to system templates, addressed by name. */
@ApiTags('prompts')
@ClientAuth()
@Controller('api/v1/prompts')
export class PromptsController {
  constructor(
    private readonly library: PromptLibraryService,
    private readonly prompts: PromptsService,
  ) {}

  @Get()
  @ApiOkResponse({ type: PromptTemplateListResponseDto })
  @ApiOperation({
    summary: 'List templates',
    description: 'The caller’s own templates and the system templates it does not shadow, in name order, paged by `limit` and `cursor`.',
  })
  listPrompts(@CurrentCaller() caller: Caller, @Query() query: PageQueryDto): Promise<PromptTemplateListResponseDto> {
    return this.library.list(actorOf(caller), query);
  }

  @Post()
  @ApiCreatedResponse({ type: PromptTemplateDetailResponseDto })
  @ApiOperation({
    summary: 'Create a template',
    description:
      'A new template owned by the caller, with its first version. Variables used in the text must be declared, ' +
      'and every `{{` must open a well-formed placeholder.',
  })
  @ApiErrors({ conflict: 'the caller already has a template with this name', validation_error: TEMPLATE_SAVE_INVALID })
  createPrompt(@CurrentCaller() caller: Caller, @Body() dto: PromptCreateDto): Promise<PromptTemplateDetailResponseDto> {
    return this.library.create(actorOf(caller), dto);
  }

  @Get(':name')
  @ApiOkResponse({ type: PromptTemplateDetailResponseDto })
  @ApiOperation({ summary: 'Get a template', description: 'One template by name, with its versions and labels.' })
  @ApiErrors({ not_found: 'no template with this name visible to the caller' })
  getPrompt(@CurrentCaller() caller: Caller, @Param('name') name: string): Promise<PromptTemplateDetailResponseDto> {
    return this.library.get(actorOf(caller), name);
  }

  @Patch(':name')
  @ApiOkResponse({ type: PromptTemplateDetailResponseDto })
  @ApiOperation({
    summary: 'Update a template',
    description:
      'Change a template’s description, labels or A/B weights. While ab_weights are set they decide default (production) traffic, ' +
      'so the production label moves only in an update that also ends the test (ab_weights: null). System templates are read-only for clients, ' +
      'and while the production label is protected so are the ab_weights (they decide default traffic as the label does).',
  })
  @ApiErrors({
    not_found: 'no template with this name visible to the caller',
    forbidden: 'a system template; a protected label moved, or ab_weights changed while the production label is protected (only an admin may)',
    conflict: 'moving the production label while ab_weights are set (they decide default traffic); send ab_weights: null in the same update',
    validation_error: TEMPLATE_UPDATE_INVALID,
  })
  updatePrompt(@CurrentCaller() caller: Caller, @Param('name') name: string, @Body() dto: PromptUpdateDto): Promise<PromptTemplateDetailResponseDto> {
    return this.library.update(actorOf(caller), name, dto);
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiOperation({ summary: 'Delete a template', description: 'Deletes one of the caller’s templates; recorded generations keep their reference.' })
  @ApiErrors({
    not_found: 'no template with this name visible to the caller',
    forbidden: 'system templates are read-only for clients; a template with a protected label is deleted only by an admin',
  })
  async deletePrompt(@CurrentCaller() caller: Caller, @Param('name') name: string): Promise<void> {
    await this.library.remove(actorOf(caller), name);
  }

  @Post(':name/versions')
  @ApiCreatedResponse({ type: PromptTemplateDetailResponseDto })
  @ApiOperation({ summary: 'Add a template version', description: 'A new immutable version of one of the caller’s templates.' })
  @ApiErrors({
    not_found: 'no template with this name visible to the caller',
    forbidden: 'system templates are read-only for clients',
    conflict: 'labels includes production while ab_weights are set (they decide default traffic)',
    validation_error: TEMPLATE_SAVE_INVALID,
  })
  createPromptVersion(
    @CurrentCaller() caller: Caller,
    @Param('name') name: string,
    @Body() dto: PromptVersionCreateDto,
  ): Promise<PromptTemplateDetailResponseDto> {
    return this.library.addVersion(actorOf(caller), name, dto);
  }

  @Post(':name/render')
  @HttpCode(200)
  @ApiOkResponse({ type: PromptRenderResponseDto })
  @ApiOperation({
    summary: 'Render a template',
    description:
      'Renders a version (by number or label, default production) with `variables`, strictly: missing or undeclared variables are refused. ' +
      'Nothing is generated.',
  })
  @ApiErrors({ not_found: 'no such template, version or label' })
  async renderPrompt(@CurrentCaller() caller: Caller, @Param('name') name: string, @Body() dto: PromptRenderDto): Promise<PromptRenderResponseDto> {
    const r = await this.prompts.resolveForGeneration(
      caller.clientId,
      { name, version: dto.version, label: dto.label, subject: dto.subject },
      dto.variables ?? {},
    );
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
}
