import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { LivenessResponseDto, ReadinessResponseDto } from './dto/health.dto';
import { HealthService } from './health.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @HttpCode(200)
  @ApiOkResponse({ type: LivenessResponseDto, description: 'The process is alive' })
  @ApiOperation({
    summary: 'Liveness',
    description: 'Answers 200 while the process is up. Needs no key and touches nothing else, for a load balancer or an orchestrator’s liveness probe.',
  })
  getLiveness(): LivenessResponseDto {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOkResponse({ type: ReadinessResponseDto, description: 'Database reachable and every migration applied' })
  @ApiServiceUnavailableResponse({ type: ReadinessResponseDto, description: 'Not ready; the body says which check failed' })
  @ApiOperation({
    summary: 'Readiness',
    description:
      '200 when the database is reachable and every migration is applied, 503 otherwise; the body says which check failed. The scheduled jobs and ' +
      'Redis are reported but never make it 503. Needs no key.',
  })
  async getReadiness(@Res({ passthrough: true }) res: Response): Promise<ReadinessResponseDto> {
    const report = await this.health.readiness();
    if (report.status !== 'ready') res.status(503);
    return report;
  }
}
