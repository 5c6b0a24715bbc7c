import { Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AdminModule } from './admin/admin.module';
import { AuthModule } from './auth/auth.module';
import { BillingModule } from './billing/billing.module';
import { ErrorResponder, HttpExceptionFilter } from './common/errors/http-exception.filter';
import { GracefulShutdown } from './common/http/graceful-shutdown';
import { JsonBodyInterceptor } from './common/http/json-body';
import { loggerModuleParams } from './common/logging/logger.options';
import { ROOT_LOGGER, RootLoggerModule } from './common/logging/root-logger.module';
import { UnreadQueryInterceptor } from './common/validation/unread-query.interceptor';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { LlmModule } from './llm/llm.module';
import { PromptsModule } from './prompts/prompts.module';

@Module({
  imports: [
    ConfigModule,
    RootLoggerModule,
    LoggerModule.forRootAsync({ imports: [RootLoggerModule], inject: [ROOT_LOGGER], useFactory: loggerModuleParams }),
    DatabaseModule,
    AuthModule,
    BillingModule,
    PromptsModule,
    LlmModule,
    AdminModule,
    HealthModule,
  ],
  providers: [
    ErrorResponder,
    { provide: APP_FILTER, useClass: HttpExceptionFilter },
    // bodies are read once the route's guard has let the request in (first of the interceptors: a body's refusal comes before a query's)
    { provide: APP_INTERCEPTOR, useClass: JsonBodyInterceptor },
    // every /api/* route refuses query parameters it does not read (docs/API.md, Paging)
    { provide: APP_INTERCEPTOR, useClass: UnreadQueryInterceptor },
    GracefulShutdown,
  ],
})
export class AppModule {}
