/**
 * A start-up problem only the operator can fix. Its message says what to do,
 * so it is printed alone, without a stack trace.
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}
