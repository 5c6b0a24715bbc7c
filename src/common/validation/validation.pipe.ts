import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError, bodyNotAnObject, ErrorDetail } from '../errors/app-error';
import { keptAsSent } from './validate.decorators';

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

/** Keys JavaScript's object machinery gives a meaning of their own: class-transformer drops them, and they must never be merged into an object. */
const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_RESERVED_DETAILS = 20;

/** Every reserved key in `value`, as the path of the field it would be (`messages[0].constructor`). */
function reservedKeyPaths(value: unknown, path: string, found: string[]): void {
  if (found.length >= MAX_RESERVED_DETAILS || typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => reservedKeyPaths(item, `${path}[${i}]`, found));
    return;
  }
  for (const key of Object.keys(value)) {
    const field = path ? `${path}.${key}` : key;
    if (RESERVED_KEYS.has(key)) found.push(field);
    else reservedKeyPaths((value as Record<string, unknown>)[key], field, found);
  }
}

/** `value` without reserved keys at any depth, as a new value (the one sent is left whole). */
function withoutReservedKeys(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(withoutReservedKeys);
  return Object.fromEntries(Object.entries(value).flatMap(([key, item]) => (RESERVED_KEYS.has(key) ? [] : [[key, withoutReservedKeys(item)]])));
}

function holdsReservedKey(value: unknown): boolean {
  const found: string[] = [];
  reservedKeyPaths(value, '', found);
  return found.length > 0;
}

/**
 * How a body or query with reserved keys is read. They used to be dropped without a word
 * (`{"ab_weights": {"constructor": 1}}` answered that no weight was given, a metadata key
 * `constructor` was not stored). Now a reserved key is refused by name, except in a free-form
 * field kept as sent (metadata, variables, labels, weights): that field reaches its service
 * whole, to be stored, or refused by name like any other key (`version "constructor" does not
 * exist`). `shadow` is what class-transformer and class-validator get instead of such a field:
 * it stumbles on a `constructor` key, and Nest strips those keys in place.
 */
function readReservedKeys(value: unknown, dto: { prototype: object }): { refusal?: AppError; kept?: Map<string, unknown>; shadow?: unknown } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const found: string[] = [];
  const kept = new Map<string, unknown>();
  for (const [field, item] of Object.entries(value)) {
    if (RESERVED_KEYS.has(field)) found.push(field);
    else if (!keptAsSent(dto, field)) reservedKeyPaths(item, field, found);
    else if (holdsReservedKey(item)) kept.set(field, item);
  }
  if (found.length > 0) {
    const details = found.map((field) => ({ field, message: `"${field.slice(field.lastIndexOf('.') + 1)}" is a reserved name and cannot be a key here` }));
    return { refusal: new AppError('validation_error', `Invalid request: ${found.join(', ')} (a reserved key)`, details) };
  }
  if (kept.size === 0) return {};
  const shadow: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [field, item] of kept) shadow[field] = withoutReservedKeys(item);
  return { kept, shadow };
}

/**
 * Refuses an array where a DTO's object is expected, which class-transformer would read as an
 * object with fields "0", "1", …, and reads reserved keys as readReservedKeys says.
 */
class ObjectBodyValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if ((metadata.type !== 'body' && metadata.type !== 'query') || !metadata.metatype || !this.toValidate(metadata)) {
      return super.transform(value, metadata) as Promise<unknown>;
    }
    if (metadata.type === 'body' && Array.isArray(value)) throw bodyNotAnObject('an array');
    const { refusal, kept, shadow } = readReservedKeys(value, metadata.metatype);
    if (refusal) throw refusal;
    if (!kept) return super.transform(value, metadata) as Promise<unknown>;
    const dto = (await super.transform(shadow, metadata)) as Record<string, unknown>;
    for (const [field, item] of kept) dto[field] = item;
    return dto;
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
