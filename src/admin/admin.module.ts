import { Module, Type } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { BillingModule } from '../billing/billing.module';
import { LlmModule } from '../llm/llm.module';
import { PromptsModule } from '../prompts/prompts.module';
import { BillingAdminController } from './billing.admin.controller';
import { ClientsAdminController } from './clients.admin.controller';
import { DashboardAdminController } from './dashboard.admin.controller';
import { KeysAdminController } from './keys.admin.controller';
import { LogsAdminController } from './logs.admin.controller';
import { PricesAdminController } from './prices.admin.controller';
import { ProvidersAdminController } from './providers.admin.controller';
import { SessionAdminController } from './session.admin.controller';
import { TemplatesAdminController } from './templates.admin.controller';

const ADMIN_CONTROLLERS: Type[] = [
  TemplatesAdminController,
  BillingAdminController,
  LogsAdminController,
  DashboardAdminController,
  ClientsAdminController,
  KeysAdminController,
  SessionAdminController,
  ProvidersAdminController,
  PricesAdminController,
];

@Module({
  imports: [AuthModule, PromptsModule, BillingModule, LlmModule],
  controllers: ADMIN_CONTROLLERS,
})
export class AdminModule {}
