import { AppError } from '../errors/app-error';

/**
 * A [from, to) range given both ways round, or empty, is a mistake to name, not a silently empty answer.
 * A `to` left out is now, so a `from` in the future is refused the same way on every route that takes a
 * range (the usage report, the generation log, template statistics).
 */
export function assertFromBeforeTo(from: Date | undefined, to: Date | undefined, now = new Date()): void {
  if (from && from.getTime() >= (to ?? now).getTime()) {
    const message = to ? 'must be before to' : 'must be before to (now, when to is left out)';
    throw new AppError('validation_error', `from ${message}`, [{ field: 'from', message }]);
  }
}
