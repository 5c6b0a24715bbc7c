import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DashboardResponse, DashboardService } from '../billing/dashboard.service';
import { AdminAuth } from '../common/auth.decorators';

@ApiTags('admin-dashboard')
@AdminAuth()
@Controller('api/admin/dashboard')
export class DashboardAdminController {
  constructor(private readonly dashboard: DashboardService) {}

  @Get()
  @ApiOkResponse({ description: 'headline figures for the console' })
  getDashboard(): Promise<DashboardResponse> {
    return this.dashboard.get();
  }
}
