import { AppError, ErrorDetail } from '../common/errors/app-error';

/** The largest max_tokens a call may ask for (the generate route's bound). */
const MAX_TOKENS = 1_000_000;

/** A value as a message quotes it: JSON, cut short (a param may hold anything, of any size). */
function quoted(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 80 ? `${json.slice(0, 80)}…` : json;
}

/**
 * The params a call takes from its template version where the request sets none (max_tokens,
 * temperature, top_p, stop), checked as the request's own would be: a value the planner would
 * ignore ("400" as a string, stop as one string) or pass on to be refused at every call
 * (max_tokens -5, temperature 7) is a 422 naming it when the version is saved. Other keys are
 * kept as sent.
 */
export function paramErrors(params: Readonly<Record<string, unknown>> | null | undefined): ErrorDetail[] {
  if (!params) return [];
  const errors: ErrorDetail[] = [];
  const number = (key: string, min: number, max: number, integer: boolean) => {
    if (!(key in params)) return;
    const value = params[key];
    const kind = integer ? 'an integer' : 'a number';
    if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
      errors.push({ field: `params.${key}`, message: `must be ${kind} from ${min} to ${max} (got ${quoted(value)})` });
    }
  };
  number('max_tokens', 1, MAX_TOKENS, true);
  number('temperature', 0, 2, false);
  number('top_p', 0, 1, false);
  if ('stop' in params) {
    const stop = params.stop;
    if (!Array.isArray(stop) || !stop.every((s) => typeof s === 'string' && s !== '')) {
      errors.push({ field: 'params.stop', message: `must be an array of non-empty strings (got ${quoted(stop)})` });
    }
  }
  return errors;
}

/** Throws a 422 naming each param a call could not use. */
export function assertParams(params: Readonly<Record<string, unknown>> | null | undefined): void {
  const errors = paramErrors(params);
  if (errors.length > 0) throw new AppError('validation_error', `Template params are invalid: ${errors.map((e) => e.field).join(', ')}`, errors);
}
