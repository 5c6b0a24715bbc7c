import { AppError } from '../errors/app-error';

/** A [from, to) range given both ways round, or empty, is a mistake to name, not a silently empty answer. */
export function assertFromBeforeTo(from: Date | undefined, to: Date | undefined): void {
  if (from && to && from.getTime() >= to.getTime()) {
    throw new AppError('validation_error', 'from must be before to', [{ field: 'from', message: 'must be before to' }]);
  }
}
