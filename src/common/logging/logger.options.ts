import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import pino from 'pino';
import { pinoHttp, type HttpLogger, type Options } from 'pino-http';
import type { IncomingMessage } from 'node:http';
import { AppConfig } from '../../config/env.schema';
import { assignRequestId } from '../request-id';

/** Paths whose values never reach a log line: credentials and prompt bodies. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.apiKey',
  '*.api_key',
  '*.token',
  '*.key',
  '*.password',
  '*.messages',
  '*.prompt',
  '*.system',
  '*.body',
  '*.system_prompt',
  '*.variables',
];

type RoutedRequest = IncomingMessage & { route?: { path?: string }; id?: string };

/** The one pino instance: Nest's own logs (nestjs-pino) and the request lines both write through it. */
export function createRootLogger(config: AppConfig): pino.Logger {
  return pino({ level: config.logLevel, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
}

/**
 * nestjs-pino serves Nest's logger API on the root logger. Its per-request
 * middleware is not mounted: it binds every request to an AsyncLocalStorage,
 * whose promise hooks cost about a third of the gateway's throughput (measured
 * with `npm run bench`); the request lines come from requestLogger() instead.
 */
export function loggerModuleParams(root: pino.Logger): Params {
  return { pinoHttp: { logger: root, autoLogging: false, quietReqLogger: true }, exclude: [{ path: '{*splat}', method: RequestMethod.ALL }] };
}

/** One JSON line per request with request id, route, status and duration (pino-http). */
export function requestLogger(root: pino.Logger): HttpLogger {
  return pinoHttp(requestLoggerOptions(root));
}

export function requestLoggerOptions(root: pino.Logger): Options {
  return {
      logger: root,
      genReqId: (req, res) => assignRequestId(req, res),
      // health probes and metrics scrapes would drown the log
      autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/health/ready' || req.url === '/metrics' },
      serializers: {
        req: (req: RoutedRequest) => ({ id: req.id, method: req.method, url: req.url?.split('?')[0] }),
        res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      },
      // the route is added to the final line only: customProps would build two more child loggers per request
      customSuccessObject: (req, _res, line: Record<string, unknown>) => withRoute(req, line),
      customErrorObject: (req, _res, _err, line: Record<string, unknown>) => withRoute(req, line),
      customSuccessMessage: (req, res, ms) => `${req.method} ${req.url?.split('?')[0]} ${res.statusCode} ${Math.round(ms)}ms`,
      customErrorMessage: (req, res) => `${req.method} ${req.url?.split('?')[0]} ${res.statusCode}`,
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      quietReqLogger: true,
  };
}

function withRoute(req: IncomingMessage, line: Record<string, unknown>): Record<string, unknown> {
  line.route = (req as RoutedRequest).route?.path;
  return line;
}
