import { Logger } from 'nestjs-pino';

/** Nest's start-up chatter: one line per module and route, useful only when debugging. */
const START_UP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

/**
 * Nest's logger on pino, with the start-up chatter moved to debug so that
 * `npm start` shows what an operator needs (the admin token banner, warnings,
 * the listening address) instead of a hundred route lines.
 */
export class AppLogger extends Logger {
  override log(message: unknown, ...optionalParams: unknown[]): void {
    const context = optionalParams[optionalParams.length - 1];
    if (typeof context === 'string' && START_UP_CONTEXTS.has(context)) return super.debug(message, ...optionalParams);
    super.log(message, ...optionalParams);
  }
}
