import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

/** The filters the generation log, the usage report and its CSV export share. */
export class CallFilterQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() client_id?: string;
  @ApiPropertyOptional({
    example: 'openai',
    description: 'A provider id or alias, any case (`claude` is `anthropic`); an unknown name is a 422 validation_error listing the valid names',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  provider?: string;
  @ApiPropertyOptional({ example: 'openai/gpt-4o-mini', description: 'provider/model, or the provider’s own model id (gpt-4o-mini)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  model?: string;
}
