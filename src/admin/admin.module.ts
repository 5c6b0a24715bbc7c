import { Module, Type } from '@nestjs/common';
import { APP_INTERCEPTOR, Reflector } from '@nestjs/core';
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
import { UnreadQueryInterceptor } from './unread-query.interceptor';

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
  providers: [
    // every admin route refuses query parameters it does not read (docs/API.md, Paging)
    { provide: APP_INTERCEPTOR, inject: [Reflector], useFactory: (reflector: Reflector) => new UnreadQueryInterceptor(reflector, new Set(ADMIN_CONTROLLERS)) },
  ],
})
export class AdminModule {}
