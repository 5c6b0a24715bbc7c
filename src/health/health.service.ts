import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ReadinessResponseDto } from './dto/health.dto';

@Injectable()
export class HealthService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async readiness(): Promise<ReadinessResponseDto> {
    try {
      const pending = await this.dataSource.showMigrations();
      const migrations = pending ? 'pending' : 'applied';
      return { status: pending ? 'not_ready' : 'ready', checks: { database: 'ok', migrations } };
    } catch {
      return { status: 'not_ready', checks: { database: 'unreachable', migrations: 'unknown' } };
    }
  }
}
