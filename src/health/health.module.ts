import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { BillingModule } from '../billing/billing.module';
import { HealthController } from './health.controller';
import { HealthRepository } from './health.repository';
import { HealthService } from './health.service';

@Module({ imports: [AuthModule, BillingModule], controllers: [HealthController], providers: [HealthRepository, HealthService] })
export class HealthModule {}
