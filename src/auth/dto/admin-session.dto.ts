import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class AdminSessionCreateDto {
  @ApiProperty({ description: 'The admin token' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  token!: string;
}

export class AdminSessionResponseDto {
  @ApiProperty({ format: 'date-time', description: 'When the session cookie stops working' }) expires_at!: string;
}
