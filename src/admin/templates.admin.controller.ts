import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AdminAuth } from '../common/auth.decorators';
import { PromptCreateDto, PromptTemplateDetailResponseDto, PromptTemplateListResponseDto, PromptVersionCreateDto, TemplateListQueryDto, TemplateUpdateDto } from '../prompts/dto/prompt.dto';
import { TemplateAdminDetailResponseDto, TemplateStatsQueryDto, TemplateStatsResponseDto } from '../prompts/dto/template-stats.dto';
import { PromptActor, PromptLibraryService } from '../prompts/prompt-library.service';
import { PromptStatsService } from '../prompts/prompt-stats.service';
import { UuidParamPipe } from './uuid-param.pipe';

const ADMIN: PromptActor = { kind: 'admin' };

/** Every template, system ones included, addressed by id. */
@ApiTags('admin: templates')
@AdminAuth()
@Controller('api/admin/templates')
export class TemplatesAdminController {
  constructor(
    private readonly library: PromptLibraryService,
    private readonly stats: PromptStatsService,
  ) {}

  @Get()
  @ApiOkResponse({ type: PromptTemplateListResponseDto })
  listTemplates(@Query() query: TemplateListQueryDto): Promise<PromptTemplateListResponseDto> {
    return this.library.list(ADMIN, { limit: query.limit, cursor: query.cursor, ownerClientId: query.owner_client_id, system: query.system });
  }

  @Post()
  @ApiCreatedResponse({ type: PromptTemplateDetailResponseDto })
  createSystemTemplate(@Body() dto: PromptCreateDto): Promise<PromptTemplateDetailResponseDto> {
    return this.library.create(ADMIN, dto);
  }

  @Get(':id')
  @ApiOkResponse({ type: TemplateAdminDetailResponseDto })
  async getTemplate(@Param('id', new UuidParamPipe()) id: string): Promise<TemplateAdminDetailResponseDto> {
    const detail = await this.library.get(ADMIN, id);
    const stats = await this.stats.templateStats(ADMIN, id);
    return { ...detail, stats: stats.versions, ab_tests: stats.ab_tests };
  }

  @Patch(':id')
  @ApiOkResponse({ type: PromptTemplateDetailResponseDto })
  updateTemplate(@Param('id', new UuidParamPipe()) id: string, @Body() dto: TemplateUpdateDto): Promise<PromptTemplateDetailResponseDto> {
    return this.library.update(ADMIN, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  async deleteTemplate(@Param('id', new UuidParamPipe()) id: string): Promise<void> {
    await this.library.remove(ADMIN, id);
  }

  @Post(':id/versions')
  @ApiCreatedResponse({ type: PromptTemplateDetailResponseDto })
  createTemplateVersion(@Param('id', new UuidParamPipe()) id: string, @Body() dto: PromptVersionCreateDto): Promise<PromptTemplateDetailResponseDto> {
    return this.library.addVersion(ADMIN, id, dto);
  }

  @Get(':id/stats')
  @ApiOkResponse({ type: TemplateStatsResponseDto })
  getTemplateStats(@Param('id', new UuidParamPipe()) id: string, @Query() query: TemplateStatsQueryDto): Promise<TemplateStatsResponseDto> {
    return this.stats.templateStats(ADMIN, id, { from: query.from ? new Date(query.from) : undefined, to: query.to ? new Date(query.to) : undefined });
  }
}
