import { ApiProperty } from '@nestjs/swagger';

export class CallerResponseDto {
  @ApiProperty({ format: 'uuid' }) client_id!: string;
  @ApiProperty({ example: 'marketing-admin' }) client_name!: string;
  @ApiProperty({ format: 'uuid' }) api_key_id!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'Effective requests per minute (null = unlimited)' }) rate_limit_rpm!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Effective tokens per minute (null = unlimited)' }) rate_limit_tpm!: number | null;
  @ApiProperty({ type: [String], nullable: true }) allowed_providers!: string[] | null;
  @ApiProperty({ type: [String], nullable: true }) allowed_models!: string[] | null;
}
