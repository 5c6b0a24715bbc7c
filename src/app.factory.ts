import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Params, PARAMS_PROVIDER_TOKEN, PinoLogger } from 'nestjs-pino';
import { AppLogger } from './common/logging/app-logger';
import { AppModule } from './app.module';
import { consoleFallback } from './common/http/console-fallback';
import { GracefulShutdown } from './common/http/graceful-shutdown';
import { answerMalformedRequests } from './common/http/malformed-request';
import { capturedSecurityHeaders, securityHeaders } from './common/http/security-headers';
import { projectRoot } from './common/project-root';
import type { RequestListener } from 'node:http';
import { join } from 'node:path';
import { KeyLookupService } from './auth/key-lookup.service';
import { ErrorResponder } from './common/errors/http-exception.filter';
import { gatewayLane } from './llm/compat/gateway-lane';
import { LlmService } from './llm/generation/llm.service';
import { MetricsService } from './billing/metrics.service';
import { UsageRecorder } from './billing/usage-recorder.service';
import { overheadTimer, startOverheadClock } from './common/overhead/overhead';
import { requestLogger, ResponseObserver, responseLogger } from './common/logging/logger.options';
import { ROOT_LOGGER } from './common/logging/root-logger.module';
import { setupOpenApi } from './common/openapi/openapi.setup';
import { RouteMethods } from './common/errors/route-methods';
import { createValidationPipe } from './common/validation/validation.pipe';
import { APP_CONFIG } from './config/config.module';
import { AppConfig } from './config/env.schema';

export interface AppOptions {
  /** The built console; client/dist by default (tests point it at a fixture). */
  consoleDir?: string;
}

/** Builds the application exactly as it runs in production; used by main.ts and the tests. */
export async function createApp(options: AppOptions = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bufferLogs: true, bodyParser: false });
  app.useLogger(new AppLogger(await app.resolve(PinoLogger), app.get<Params>(PARAMS_PROVIDER_TOKEN)));
  // first, so the clock covers every other middleware
  const metrics = app.get(MetricsService);
  const observeOverhead = (seconds: number): void => metrics.observeOverhead(seconds);
  const observeHttp: ResponseObserver = (method, route, status, seconds) => metrics.observeHttp(method, route, status, seconds);
  app.use(overheadTimer(observeOverhead));
  app.use(requestLogger(app.get(ROOT_LOGGER), observeHttp));
  // tracks requests in flight, refuses new ones once a stop began (main.ts drains it on SIGTERM/SIGINT)
  const shutdown = app.get(GracefulShutdown);
  app.use(shutdown.middleware);
  app.useGlobalInterceptors(shutdown.interceptor);
  // a call's record made while no other request is open leaves for the database at once
  app.get(UsageRecorder).openRequests = () => shutdown.openRequests;
  const config = app.get<AppConfig>(APP_CONFIG);
  // a load balancer reuses an idle connection until its own idle timeout (60 s on the common ones):
  // with Node's 5 s the server closes it first, and a request sent on it meanwhile fails (a 502 there)
  app.getHttpServer().keepAliveTimeout = config.httpKeepAliveTimeoutMs;
  answerMalformedRequests(app.getHttpServer());
  app.disable('x-powered-by');
  // the client address of the admin sign-in throttle: the peer's, or behind trusted proxies the one X-Forwarded-For names
  app.set('trust proxy', config.trustProxy);
  app.use(securityHeaders());
  app.set('etag', false);
  app.useGlobalPipes(createValidationPipe());
  if (config.corsOrigins.length > 0) app.enableCors({ origin: config.corsOrigins, credentials: true });
  app.get(ErrorResponder).routes = new RouteMethods(setupOpenApi(app).paths);
  app.use(consoleFallback(options.consoleDir ?? join(projectRoot(), 'client', 'dist')));
  if (config.corsOrigins.length === 0) {
    // the chat calls skip Express and Nest (gateway-lane.ts); with CORS on, every request takes the full chain
    const server = app.getHttpServer();
    const express = app.getHttpAdapter().getInstance() as RequestListener;
    const lane = gatewayLane(
      {
        llm: app.get(LlmService),
        keys: app.get(KeyLookupService),
        errors: app.get(ErrorResponder),
        shutdown,
        startClock: (req, res) => startOverheadClock(req, res, observeOverhead),
        logResponse: responseLogger(app.get(ROOT_LOGGER), observeHttp),
        securityHeaders: capturedSecurityHeaders(),
      },
      express,
    );
    server.removeListener('request', express);
    server.on('request', lane);
  }
  return app;
}
