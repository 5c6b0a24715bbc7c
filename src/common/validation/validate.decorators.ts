import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { isISO8601, IsOptional, ValidateBy, ValidateIf, ValidationArguments } from 'class-validator';
import { DecimalRules, MONEY_RULES, parseDecimalInput } from './decimal-input';

export interface DecimalFieldOptions {
  description: string;
  example: string;
  /** may be left out */
  optional?: boolean;
  /** null is accepted (and clears the value) */
  nullable?: boolean;
}

/**
 * One decorator for a decimal field that a client may send as a decimal string
 * or a JSON number: converts a number exactly (through its shortest decimal
 * text) to a string, validates against the rules with a message naming the
 * problem, and documents it as "decimal string or number". The service always
 * receives a decimal string, and answers with one.
 */
export function ValidateDecimal(rules: DecimalRules, options: DecimalFieldOptions): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      // nullable sits on each alternative: OpenAPI 3.0 gives `nullable` no meaning beside oneOf without a type
      oneOf: [
        { type: 'string', pattern: `^\\d{1,${rules.maxIntegerDigits}}(\\.\\d{1,${rules.maxDecimals}})?$`, ...(options.nullable ? { nullable: true } : {}) },
        { type: 'number', minimum: 0, ...(rules.max !== undefined ? { maximum: Number(rules.max) } : {}), ...(options.nullable ? { nullable: true } : {}) },
      ],
      description: `${options.description} (decimal string or number; answered as a decimal string)`,
      example: options.example,
      required: !(options.optional || options.nullable),
    }),
    Transform(({ value }: { value: unknown }) => {
      if (typeof value !== 'number') return value;
      const parsed = parseDecimalInput(value, rules);
      return parsed.ok ? parsed.text : value; // a refused number stays as sent, for the message below
    }),
    options.nullable ? ValidateIf((_o, v) => v !== null && v !== undefined) : options.optional ? IsOptional() : () => undefined,
    ValidateBy({
      name: 'isDecimalInput',
      validator: {
        validate: (value: unknown) => parseDecimalInput(value, rules).ok,
        defaultMessage: (args?: ValidationArguments) => {
          const parsed = parseDecimalInput(args?.value, rules);
          const got = typeof args?.value === 'number' ? String(args.value) : JSON.stringify(args?.value);
          return `${args?.property ?? 'value'} ${parsed.ok ? 'is not valid' : parsed.problem} (got ${got})`;
        },
      },
    }),
  );
}

/** A USD amount: at most 12 digits before the point and 6 after. */
export function ValidateMoneyUsd(options: DecimalFieldOptions): PropertyDecorator {
  return ValidateDecimal(MONEY_RULES, options);
}

/** year-month-day with dashes: not the week (2026-W01), ordinal (2026-335) or basic (20261201) forms */
const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})(?![\d])/;

/**
 * Why `value` is not a date LLMHub can use, or undefined when it is one: an
 * ISO 8601 date or date-time that names a real day (class-validator's plain
 * IsISO8601 lets 2026-02-30 roll over to March and lets week, ordinal and
 * basic forms through that `new Date` cannot read), in years 1-9999, the
 * range where JavaScript and PostgreSQL agree (year 0 is 1 BC to PostgreSQL).
 */
export function isoDateProblem(value: unknown): string | undefined {
  const problem = 'must be an ISO 8601 date or date-time such as 2026-12-01 or 2026-12-01T09:30:00Z';
  // the calendar form only; the day checked here, as IsISO8601's strict mode misreads years 1-99 (as 1901-1999)
  const ymd = typeof value === 'string' && isISO8601(value) ? CALENDAR_DATE.exec(value) : null;
  if (!ymd || Number.isNaN(new Date(value as string).getTime())) return problem;
  const [year, month, day] = ymd.slice(1).map(Number);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return problem;
  if (year < 1) return 'must be between the years 1 and 9999';
  return undefined;
}

/** An ISO 8601 date or date-time query or body field, refused with a message naming it when it is not a real date. */
export function IsIsoDate(): PropertyDecorator {
  return ValidateBy({
    name: 'isIsoDate',
    validator: {
      validate: (value: unknown) => isoDateProblem(value) === undefined,
      defaultMessage: (args?: ValidationArguments) =>
        `${args?.property ?? 'value'} ${isoDateProblem(args?.value) ?? 'is not valid'} (got ${JSON.stringify(args?.value)})`,
    },
  });
}

/**
 * A field that may be left out but has no "none" to set: null is refused with
 * a message naming the field (rather than reaching a NOT NULL column as a 500,
 * or being read as "left out"). Put it where IsOptional() would go.
 */
export function OptionalNotNull(hint = 'leave it out to keep the current value'): PropertyDecorator {
  return applyDecorators(
    ValidateIf((_o, value) => value !== undefined),
    ValidateBy({
      name: 'isNotNull',
      validator: {
        validate: (value: unknown) => value !== null,
        defaultMessage: (args?: ValidationArguments) => `${args?.property ?? 'value'} cannot be null: ${hint}`,
      },
    }),
  );
}

function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(holdsNul);
  if (value && typeof value === 'object') return Object.entries(value).some(([key, item]) => key.includes('\u0000') || holdsNul(item));
  return false;
}

/**
 * A field stored in PostgreSQL text or jsonb, which cannot hold a NUL
 * character: refused by name here (strings, and every key and string inside
 * arrays and objects) rather than by the database with no field to point at.
 */
export function NoNulCharacter(): PropertyDecorator {
  return ValidateBy({
    name: 'noNulCharacter',
    validator: {
      validate: (value: unknown) => !holdsNul(value),
      defaultMessage: (args?: ValidationArguments) => `${args?.property ?? 'value'} contains a NUL character (\\u0000), which cannot be stored`,
    },
  });
}

const KEEP_AS_SENT = 'llmhub:keep-as-sent';

/**
 * A free-form JSON object field (variables, metadata, maps keyed by label or
 * version) kept exactly as sent. class-transformer's copy of a plain object
 * silently drops keys named like Object.prototype members (`constructor`,
 * `toString`, `valueOf`, …), and the validation pipe's own pass dropped
 * `__proto__`, `constructor` and `prototype`, so a variable, label or metadata
 * key of that name would vanish instead of being used or refused by name. The
 * pipe leaves such a field whole (keptAsSent); its service reads its keys by name.
 */
export function KeepAsSent(): PropertyDecorator {
  return applyDecorators(
    Transform(({ obj, key }: { obj: Record<string, unknown>; key: string }) => obj[key]),
    (target: object, property: string | symbol) => Reflect.defineMetadata(KEEP_AS_SENT, true, target, property),
  );
}

/** Whether a DTO's field is a KeepAsSent one (inherited fields included). */
export function keptAsSent(dto: { prototype: object }, field: string): boolean {
  return Reflect.getMetadata(KEEP_AS_SENT, dto.prototype, field) === true;
}
