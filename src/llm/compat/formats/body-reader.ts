import { AppError, ErrorDetail } from '../../../common/errors/app-error';
import { callMetadataProblem } from '../../../common/validation/call-metadata';

export type Json = Record<string, unknown>;

/** Longest conversation accepted in one request. */
export const MAX_MESSAGES = 2_000;

/**
 * The largest output cap read (max_tokens, max_completion_tokens, max_output_tokens): the largest
 * token count LLMHub records. Above it a number is no count of tokens at all (1e300 went on to the
 * provider as `1e+300`); below it, a cap above what the model can write is the provider's 400.
 */
export const MAX_OUTPUT_TOKENS = 2_147_483_647;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A small hand-written validator for the /v1 bodies: cheaper than class-validator
 * on the hot path, and lenient about the extra fields official SDKs send. It
 * collects every problem, then throws one validation_error naming each field.
 */
export class BodyReader {
  readonly problems: ErrorDetail[] = [];

  constructor(readonly body: Json) {}

  static of(body: unknown): BodyReader {
    if (!isObject(body))
      throw new AppError('validation_error', 'The request body must be a JSON object', [{ field: 'body', message: 'expected a JSON object' }]);
    return new BodyReader(body);
  }

  problem(field: string, message: string): undefined {
    this.problems.push({ field, message });
    return undefined;
  }

  has(field: string): boolean {
    return this.body[field] !== undefined && this.body[field] !== null;
  }

  string(field: string, opts: { required?: boolean; max?: number } = {}): string | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return opts.required ? this.problem(field, 'required') : undefined;
    if (typeof value !== 'string') return this.problem(field, 'expected a string');
    if (opts.required && value.trim() === '') return this.problem(field, 'must not be empty');
    if (opts.max !== undefined && value.length > opts.max) return this.problem(field, `at most ${opts.max} characters`);
    return value;
  }

  number(field: string, opts: { min?: number; max?: number; integer?: boolean; required?: boolean } = {}): number | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return opts.required ? this.problem(field, 'required') : undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) return this.problem(field, 'expected a number');
    if (opts.integer && !Number.isInteger(value)) return this.problem(field, 'expected an integer');
    if (opts.min !== undefined && value < opts.min) return this.problem(field, `must be at least ${opts.min}`);
    if (opts.max !== undefined && value > opts.max) return this.problem(field, `must be at most ${opts.max}`);
    return value;
  }

  /**
   * An optional field that takes one of `values` (null: not given): a field of the body, or of an object
   * in it (`within`, read once by object()), named as `at` says (`reasoning.effort`).
   */
  oneOf<T extends string>(field: string, values: readonly T[], within: Json | undefined = this.body, at = field): T | undefined {
    const value = within?.[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as T;
    return this.problem(at, `expected ${values.join(', ')}`);
  }

  boolean(field: string): boolean | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') return this.problem(field, 'expected true or false');
    return value;
  }

  object(field: string): Json | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return undefined;
    if (!isObject(value)) return this.problem(field, 'expected an object');
    return value;
  }

  /** A call's metadata: an object small enough to be stored with its record. */
  metadata(field: string): Json | undefined {
    const value = this.object(field);
    const problem = value && callMetadataProblem(value);
    return problem ? this.problem(field, problem) : value;
  }

  stringList(field: string, opts: { max?: number } = {}): string[] | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) return this.problem(field, 'expected an array of non-empty strings');
    if (opts.max !== undefined && value.length > opts.max) return this.problem(field, `at most ${opts.max} entries`);
    return value as string[];
  }

  /**
   * The `messages` array of a chat body, each entry read by the format's own
   * `readOne` (which may expand one entry into several, e.g. Anthropic tool results).
   */
  messageList<T>(required: boolean, readOne: (raw: unknown, at: string) => T[]): T[] | undefined {
    const value = this.body.messages;
    if (value === undefined || value === null) return required ? this.problem('messages', 'required') : undefined;
    if (!Array.isArray(value) || (required && value.length === 0)) return this.problem('messages', 'expected a non-empty array');
    if (value.length > MAX_MESSAGES) return this.problem('messages', `at most ${MAX_MESSAGES} messages`);
    return value.flatMap((raw: unknown, i) => readOne(raw, `messages[${i}]`));
  }

  /** A field the gateway cannot honour and would otherwise silently change the answer. */
  unsupported(field: string, why: string): void {
    this.problem(field, why);
  }

  /** Throws one validation_error naming every problem found. */
  done(): void {
    if (this.problems.length === 0) return;
    const fields = [...new Set(this.problems.map((p) => p.field))].join(', ');
    throw new AppError('validation_error', `Invalid request: ${fields} (${this.problems[0].message})`, this.problems);
  }
}

/** The image types OpenAI and Anthropic both take. */
export const IMAGE_MEDIA_TYPES: readonly string[] = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Which part of a base64 image is wrong (its media type or its data) and why, or undefined when neither is. */
export function base64ImageProblem(mediaType: string, data: string): { part: 'media_type' | 'data'; message: string } | undefined {
  if (!IMAGE_MEDIA_TYPES.includes(mediaType.toLowerCase())) {
    return { part: 'media_type', message: `image type ${mediaType || '(none)'} is not supported; expected ${IMAGE_MEDIA_TYPES.join(', ')}` };
  }
  if (!BASE64.test(data)) return { part: 'data', message: data === '' ? 'the image data is empty' : 'the image data is not base64' };
  return undefined;
}

/**
 * Why an image URL is not one the providers fetch or decode (an http(s) URL, or a base64 `data:`
 * URL of an image type both take), or undefined when it is. Before, anything went on to the
 * provider, to come back as its 400 quoted whole, or not at all (a simulator, a lenient server).
 */
export function imageUrlProblem(url: string): string | undefined {
  if (/^https?:\/\//i.test(url)) return URL.canParse(url) ? undefined : 'not a valid URL';
  const data = /^data:([^;,]*);base64,/i.exec(url);
  if (data) return base64ImageProblem(data[1], url.slice(data[0].length))?.message;
  return url.startsWith('data:') ? 'expected a base64 data: URL (data:image/png;base64,…)' : 'expected an http(s) URL or a base64 data: URL';
}

/** The template extension field: a name, or {name, version?, label?}. */
export function readTemplate(r: BodyReader): { name: string; version?: number; label?: string } | undefined {
  const value = r.body.template;
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value.trim() === '' ? r.problem('template', 'must not be empty') : { name: value };
  if (!isObject(value) || typeof value.name !== 'string' || value.name === '') return r.problem('template', 'expected a name or {name, version?, label?}');
  const version = value.version;
  if (version !== undefined && version !== null && (typeof version !== 'number' || !Number.isInteger(version) || version < 1)) {
    return r.problem('template.version', 'expected a positive integer');
  }
  const label = value.label;
  if (label !== undefined && label !== null && typeof label !== 'string') return r.problem('template.label', 'expected a string');
  return { name: value.name, ...(typeof version === 'number' ? { version } : {}), ...(typeof label === 'string' ? { label } : {}) };
}
