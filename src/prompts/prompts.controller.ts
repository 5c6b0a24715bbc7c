import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
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
  listPrompts(@CurrentCaller() caller: Caller, @Query() query: PageQueryDto): Promise<PromptTemplateListResponseDto> {
    return this.library.list(actorOf(caller), query);
  }

  @Post()
  @ApiCreatedResponse({ type: PromptTemplateDetailResponseDto })
  createPrompt(@CurrentCaller() caller: Caller, @Body() dto: PromptCreateDto): Promise<PromptTemplateDetailResponseDto> {
    return this.library.create(actorOf(caller), dto);
  }

  @Get(':name')
  @ApiOkResponse({ type: PromptTemplateDetailResponseDto })
  getPrompt(@CurrentCaller() caller: Caller, @Param('name') name: string): Promise<PromptTemplateDetailResponseDto> {
    return this.library.get(actorOf(caller), name);
  }

  @Patch(':name')
  @ApiOkResponse({ type: PromptTemplateDetailResponseDto })
  updatePrompt(@CurrentCaller() caller: Caller, @Param('name') name: string, @Body() dto: PromptUpdateDto): Promise<PromptTemplateDetailResponseDto> {
    return this.library.update(actorOf(caller), name, dto);
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiNoContentResponse()
  async deletePrompt(@CurrentCaller() caller: Caller, @Param('name') name: string): Promise<void> {
    await this.library.remove(actorOf(caller), name);
  }

  @Post(':name/versions')
  @ApiCreatedResponse({ type: PromptTemplateDetailResponseDto })
  createPromptVersion(@CurrentCaller() caller: Caller, @Param('name') name: string, @Body() dto: PromptVersionCreateDto): Promise<PromptTemplateDetailResponseDto> {
    return this.library.addVersion(actorOf(caller), name, dto);
  }

  @Post(':name/render')
  @HttpCode(200)
  @ApiOkResponse({ type: PromptRenderResponseDto })
  async renderPrompt(@CurrentCaller() caller: Caller, @Param('name') name: string, @Body() dto: PromptRenderDto): Promise<PromptRenderResponseDto> {
    const r = await this.prompts.resolveForGeneration(caller.clientId, { name, version: dto.version, label: dto.label, subject: dto.subject }, dto.variables ?? {});
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
