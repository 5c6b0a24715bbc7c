import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError, bodyNotAnObject, ErrorDetail } from '../errors/app-error';

/** Rules on what a value is; when one of them fails, the rules on its size or form have nothing to add. */
const TYPE_RULES = new Set(['isString', 'isInt', 'isNumber', 'isBoolean', 'isArray', 'isObject']);

/** The messages that say what is wrong: a refused null alone, else a wrong type alone, else every rule that failed. */
function decisive(constraints: Record<string, string>): string[] {
  if (constraints.isNotNull) return [constraints.isNotNull];
  const types = Object.entries(constraints).flatMap(([rule, message]) => (TYPE_RULES.has(rule) ? [message] : []));
  return types.length > 0 ? types : Object.values(constraints);
}

function flatten(errors: ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    // a missing required field is one problem, not every rule its value would have had to pass
    if (error.value === undefined && error.constraints && !('whitelistValidation' in error.constraints)) {
      return [{ field, message: `${field} is required` }];
    }
    const own = decisive(error.constraints ?? {}).map((message) => ({
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
