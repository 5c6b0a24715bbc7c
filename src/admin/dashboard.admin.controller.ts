import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
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
  getDashboard(): Promise<DashboardResponseDto> {
    return this.dashboard.get();
  }
}
