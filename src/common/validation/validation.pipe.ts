import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError, bodyNotAnObject, ErrorDetail } from '../errors/app-error';

function flatten(errors: ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    // a missing required field is one problem, not every rule its value would have had to pass
    if (error.value === undefined && error.constraints && !('whitelistValidation' in error.constraints)) {
      return [{ field, message: `${field} is required` }];
    }
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message: message.replace(/^property (\S+) should not exist$/, `unknown field "${field}"`),
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** Refuses an array where a DTO's object is expected, which class-transformer would read as an object with fields "0", "1", … */
class ObjectBodyValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && Array.isArray(value) && this.toValidate(metadata)) return Promise.reject(bodyNotAnObject('an array'));
    return super.transform(value, metadata) as Promise<unknown>;
  }
}

/** Whitelisting, unknown fields rejected, errors as validation_error naming each field. */
export function createValidationPipe(): ValidationPipe {
  return new ObjectBodyValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      const fields = [...new Set(details.map((d) => d.field))].join(', ');
      return new AppError('validation_error', `Invalid request: ${fields}`, details);
    },
  });
}
