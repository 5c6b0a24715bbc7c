import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PromptLabel } from './prompt-label.entity';
import { PromptLibraryService } from './prompt-library.service';
import { PromptStatsRepository } from './prompt-stats.repository';
import { PromptStatsService } from './prompt-stats.service';
import { PromptTemplate } from './prompt-template.entity';
import { PromptVersion } from './prompt-version.entity';
import { PromptsController } from './prompts.controller';
import { PromptsRepository } from './prompts.repository';
import { PromptsService } from './prompts.service';
import { TemplateCache } from './template-cache.service';

/**
 * Versioned prompt templates: the library (CRUD, versions, labels), strict
 * rendering with A/B selection (PromptsService, used by the gateway), and
 * per-version stats from the log.
 */
@Module({
  imports: [TypeOrmModule.forFeature([PromptTemplate, PromptVersion, PromptLabel])],
  controllers: [PromptsController],
  providers: [PromptsRepository, PromptStatsRepository, TemplateCache, PromptsService, PromptLibraryService, PromptStatsService],
  exports: [PromptsService, PromptLibraryService, PromptStatsService],
})
export class PromptsModule {}
