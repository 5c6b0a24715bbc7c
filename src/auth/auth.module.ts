import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BillingModule } from '../billing/billing.module';
import { AccessPolicy } from './access-policy.service';
import { AdminAuthService } from './admin-auth.service';
import { AdminCredential, AdminSession } from './admin-credential.entity';
import { AdminCredentialsRepository } from './admin-credentials.repository';
import { ApiClient } from './api-client.entity';
import { ApiKey } from './api-key.entity';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { AuthGuard } from './auth.guard';
import { ClientsRepository } from './clients.repository';
import { ClientsService } from './clients.service';
import { KeyLookupService } from './key-lookup.service';
import { LimitsService } from './limits/limits.service';
import { PgBudgetStore } from './limits/pg-budget.store';
import { RedisLimitStore } from './limits/redis-limit.store';
import { MeController } from './me.controller';

/** API keys, clients, admin authentication, limits and budgets. */
@Module({
  imports: [BillingModule, TypeOrmModule.forFeature([ApiClient, ApiKey, AdminCredential, AdminSession])],
  controllers: [MeController],
  providers: [
    ApiKeysRepository,
    ClientsRepository,
    AdminCredentialsRepository,
    KeyLookupService,
    AdminAuthService,
    AccessPolicy,
    RedisLimitStore,
    PgBudgetStore,
    LimitsService,
    ClientsService,
    ApiKeysService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AccessPolicy, LimitsService, ClientsService, ApiKeysService, AdminAuthService],
})
export class AuthModule {}
