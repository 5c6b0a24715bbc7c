import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DashboardService } from '../billing/dashboard.service';
import { DashboardResponseDto } from '../billing/dto/dashboard.dto';
import { AdminAuth } from '../common/auth.decorators';

@ApiTags('admin-dashboard')
@AdminAuth()
@Controller('api/admin/dashboard')
export class DashboardAdminController {
  constructor(private readonly dashboard: DashboardService) {}

  @Get()
  @ApiOkResponse({ type: DashboardResponseDto, description: 'headline figures for the console' })
  @ApiOperation({
    summary: 'Dashboard figures',
    description: 'The console’s headline figures: today and this month, the last 24 hours by hour, top models and clients, and a month-end forecast.',
  })
  getDashboard(): Promise<DashboardResponseDto> {
    return this.dashboard.get();
  }
}
