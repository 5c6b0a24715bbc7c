import { Global, Module } from '@nestjs/common';
import { ConfigModule as NestConfigModule } from '@nestjs/config';
import { AppConfig, parseEnv } from './env.schema';

/** Injection token of the validated, typed configuration. */
export const APP_CONFIG = Symbol('APP_CONFIG');

@Global()
@Module({
  // loads .env into process.env (real environment variables win)
  imports: [NestConfigModule.forRoot({ isGlobal: false, cache: true })],
  providers: [
    {
      provide: APP_CONFIG,
      // parsed when the app is created, so a bad value stops the start with ConfigError naming it
      useFactory: (): AppConfig => parseEnv(process.env),
    },
  ],
  exports: [APP_CONFIG],
})
export class ConfigModule {}
