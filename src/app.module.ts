import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ServeStaticModule } from '@nestjs/serve-static';
import { LoggerModule } from 'nestjs-pino';
import { join } from 'node:path';
import { AdminModule } from './admin/admin.module';
import { AuthModule } from './auth/auth.module';
import { BillingModule } from './billing/billing.module';
import { HttpExceptionFilter } from './common/errors/http-exception.filter';
import { JsonBodyMiddleware } from './common/http/json-body.middleware';
import { loggerModuleParams } from './common/logging/logger.options';
import { ROOT_LOGGER, RootLoggerModule } from './common/logging/root-logger.module';
import { projectRoot } from './common/project-root';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { LlmModule } from './llm/llm.module';
import { PromptsModule } from './prompts/prompts.module';

/** Routes the console's static files must never shadow. */
const API_PATHS = ['/api/{*rest}', '/v1/{*rest}', '/openai/{*rest}', '/health/{*rest}', '/docs/{*rest}', '/redoc/{*rest}', '/openapi.json', '/openapi.yaml', '/metrics'];

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
    ServeStaticModule.forRoot({ rootPath: join(projectRoot(), 'client', 'dist'), exclude: API_PATHS }),
  ],
  providers: [{ provide: APP_FILTER, useClass: HttpExceptionFilter }],
})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // bodies are read inside Nest's chain so that their refusals reach the exception filter
    consumer.apply(JsonBodyMiddleware).forRoutes('{*splat}');
  }
}
