import { Logger } from '@nestjs/common';

/**
 * Test output shows test results, not the log lines tests provoke on purpose.
 * Runs before every test file (jest setupFiles).
 *
 * - Services built without the app (unit and integration tests) log through
 *   Nest's default console logger: a test that takes the database away or
 *   fails a Redis call expects the app's "database unreachable" or "settling
 *   failed" lines. They are dropped here as the app's own logger drops them in
 *   e2e tests (LOG_LEVEL=silent). TEST_LOG_LEVEL=debug (or any level) brings
 *   them back when a test needs a look.
 * - The Anthropic SDK prints a console.warn on every call to a model it lists
 *   as deprecated; the tests use the shipped default model names on purpose.
 */
const level = process.env.TEST_LOG_LEVEL;
if (!level || level === 'silent') Logger.overrideLogger(false);

const SDK_DEPRECATION = /^The model '.+' is deprecated and will reach end-of-life/;
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]): void => {
  if (!level && typeof args[0] === 'string' && SDK_DEPRECATION.test(args[0])) return;
  warn(...args);
};
