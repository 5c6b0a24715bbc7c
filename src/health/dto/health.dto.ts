import { ApiProperty } from '@nestjs/swagger';

export class LivenessResponseDto {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
}

export class ReadinessChecksDto {
  @ApiProperty({ enum: ['ok', 'unreachable'] }) database!: 'ok' | 'unreachable';
  @ApiProperty({ enum: ['applied', 'pending', 'unknown'] }) migrations!: 'applied' | 'pending' | 'unknown';
}

export class ReadinessResponseDto {
  @ApiProperty({ enum: ['ready', 'not_ready'] }) status!: 'ready' | 'not_ready';
  @ApiProperty({ type: ReadinessChecksDto }) checks!: ReadinessChecksDto;
}
