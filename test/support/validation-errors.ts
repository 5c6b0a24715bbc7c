import { AppError } from '@src/common/errors/app-error';

/** The fields of the validation_error `fn` throws; fails the test when it throws anything else, or nothing. */
export function fieldsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('validation_error');
    return (error as AppError).details.map((d) => d.field ?? '');
  }
  throw new Error('expected a validation error');
}
