import type { Params } from 'nestjs-pino';
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

/** One JSON line per request with request id, route, status and duration (nestjs-pino / pino-http). */
export function loggerOptions(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      genReqId: (req, res) => assignRequestId(req, res),
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
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
    },
  };
}

function withRoute(req: IncomingMessage, line: Record<string, unknown>): Record<string, unknown> {
  line.route = (req as RoutedRequest).route?.path;
  return line;
}
