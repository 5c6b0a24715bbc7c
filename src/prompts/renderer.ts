import { AppError, ErrorDetail } from '../common/errors/app-error';
import type { SplitVariables } from './arm-variables';
import type { TemplateVariable } from './prompt-version.entity';

/**
 * Strict `{{ name }}` rendering as pure functions. Values are inserted as text
 * in one pass (a value containing `{{ x }}` is never expanded), nothing is
 * evaluated, and anything that is not a well-formed placeholder stays literal:
 * a text is checked for malformed placeholders when it is saved
 * (template-syntax.ts), but versions saved before that check may still hold some.
 * A backslash before `{{` makes it literal text: `\{{ name }}` renders `{{ name }}`.
 */

export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Keys the HTTP layer strips from every request body (prototype-pollution guard), so a caller could never give these. */
const UNSENDABLE_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor']);
/** One placeholder, `{{ name }}`: the grammar the renderer substitutes and template-syntax.ts checks texts against. */
export const PLACEHOLDER_SOURCE = String.raw`\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}`;
/** An escaped `{{` (no group) or a placeholder (group 1: its name), left to right in one pass. */
const PLACEHOLDER_OR_ESCAPE = new RegExp(String.raw`\\{\{|${PLACEHOLDER_SOURCE}`, 'g');

/** Variable names used by the texts, in order of first appearance. */
export function usedVariables(...texts: (string | null | undefined)[]): string[] {
  const seen = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    for (const match of text.matchAll(PLACEHOLDER_OR_ESCAPE)) if (match[1] !== undefined) seen.add(match[1]);
  }
  return [...seen];
}

/** Substitutes every placeholder and unescapes every `\{{` in one pass; the caller has checked that all names have values. */
export function substitute(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(PLACEHOLDER_OR_ESCAPE, (whole, name: string | undefined) => {
    if (name === undefined) return '{{';
    return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole;
  });
}

/**
 * Checks a version's declared variables against the ones its texts use (when
 * it is saved): names well-formed and unique, every used name declared.
 * Declared-but-unused is fine (optional context a later version may use).
 */
export function declarationErrors(declared: readonly TemplateVariable[], systemPrompt: string | null | undefined, body: string): ErrorDetail[] {
  const errors: ErrorDetail[] = [];
  const names = new Set<string>();
  declared.forEach((variable, i) => {
    if (!VARIABLE_NAME.test(variable.name)) {
      errors.push({ field: `variables[${i}].name`, message: `"${variable.name}" is not a valid variable name ([A-Za-z_][A-Za-z0-9_]*)` });
    } else if (UNSENDABLE_NAMES.has(variable.name)) {
      errors.push({ field: `variables[${i}].name`, message: `"${variable.name}" is reserved: a request cannot carry a value under this name` });
    } else if (names.has(variable.name)) {
      errors.push({ field: `variables.${variable.name}`, message: `variable "${variable.name}" is declared twice` });
    }
    names.add(variable.name);
  });
  for (const name of usedVariables(systemPrompt, body)) {
    if (!names.has(name)) errors.push({ field: `variables.${name}`, message: `variable "${name}" is used but not declared` });
  }
  return errors;
}

/** Throws a 422 naming each problem with a version's declared variables. */
export function assertDeclarations(declared: readonly TemplateVariable[], systemPrompt: string | null | undefined, body: string): void {
  const errors = declarationErrors(declared, systemPrompt, body);
  if (errors.length > 0) {
    throw new AppError('validation_error', `Template variables are invalid: ${errors.map((e) => e.field).join(', ')}`, errors);
  }
}

/** A caller's value as text, or why it cannot be one: strings as they are, numbers and booleans as their text. */
function textOf(name: string, raw: unknown): { text: string } | { error: string } {
  if (typeof raw === 'string') return { text: raw };
  if ((typeof raw === 'number' && Number.isFinite(raw)) || typeof raw === 'boolean') return { text: String(raw) };
  // JSON has no infinity: a number too large for a double (1e400) arrives as one
  if (typeof raw === 'number') return { error: `variable "${name}" is a number too large to write as text` };
  return { error: `variable "${name}" must be a string, number or boolean` };
}

/**
 * The text value of every declared variable, from the caller's input and the
 * defaults. Strings go in as they are, numbers and booleans as their text;
 * objects, arrays and anything else are refused. null/undefined = not given.
 *
 * When a split picked the version, `split` holds what all its arms declare and
 * need, and the input is checked against that instead, so a call is refused or
 * taken whichever arm it is routed to: a variable another arm declares is
 * accepted (and ignored here), one that any arm needs must be given.
 */
export function resolveValues(
  declared: readonly TemplateVariable[],
  input: Readonly<Record<string, unknown>>,
  split: SplitVariables | null = null,
): { values: Record<string, string>; errors: ErrorDetail[] } {
  const errors: ErrorDetail[] = [];
  const values: Record<string, string> = Object.create(null) as Record<string, string>;
  const byName = new Map(declared.map((v) => [v.name, v]));
  for (const [name, raw] of Object.entries(input)) {
    const own = byName.has(name);
    if (!own && !split?.declared.has(name)) {
      const by = split ? `any version the A/B split in ${split.field} serves` : 'this template version';
      errors.push({ field: `variables.${name}`, message: `variable "${name}" is not declared by ${by}` });
      continue;
    }
    if (raw === null || raw === undefined) continue;
    const value = textOf(name, raw);
    if ('error' in value) errors.push({ field: `variables.${name}`, message: value.error });
    else if (own) values[name] = value.text;
  }
  const given = (name: string) => (Object.prototype.hasOwnProperty.call(input, name) ? ' (null counts as not given)' : '');
  if (split) {
    for (const { name, missing } of split.needed) {
      const value = Object.prototype.hasOwnProperty.call(input, name) ? input[name] : undefined;
      if (value === null || value === undefined) errors.push({ field: `variables.${name}`, message: `${missing}${given(name)}` });
    }
  }
  for (const variable of declared) {
    if (variable.name in values || errors.some((e) => e.field === `variables.${variable.name}`)) continue;
    if (variable.default !== undefined && variable.default !== null) values[variable.name] = variable.default;
    else if (variable.required) {
      errors.push({ field: `variables.${variable.name}`, message: `required variable "${variable.name}" is missing${given(variable.name)}` });
    } else values[variable.name] = '';
  }
  return { values, errors };
}

/**
 * The longest text a render produces: the bound the generate route puts on a prompt or system
 * prompt sent directly, so a template call cannot send more than a direct call.
 */
export const MAX_RENDERED_CHARS = 1_000_000;

/**
 * Each variable's share of what `text` would render to beyond its own placeholders, and the
 * total length, counted before anything is built: a value repeated by many placeholders could
 * otherwise ask for a string larger than the process can hold.
 */
function renderedSize(text: string, values: Readonly<Record<string, string>>): { length: number; added: Map<string, { chars: number; uses: number }> } {
  let length = text.length;
  const added = new Map<string, { chars: number; uses: number }>();
  for (const match of text.matchAll(PLACEHOLDER_OR_ESCAPE)) {
    const name = match[1];
    if (name === undefined) {
      length -= 1; // `\{{` renders `{{`
      continue;
    }
    if (!Object.prototype.hasOwnProperty.call(values, name)) continue;
    length += values[name].length - match[0].length;
    const share = added.get(name) ?? { chars: values[name].length, uses: 0 };
    share.uses++;
    added.set(name, share);
  }
  return { length, added };
}

/** One detail per variable that makes `field` render past MAX_RENDERED_CHARS, the largest share first. */
function oversizeErrors(field: string, text: string | null, values: Readonly<Record<string, string>>): ErrorDetail[] {
  if (text === null) return [];
  const { length, added } = renderedSize(text, values);
  if (length <= MAX_RENDERED_CHARS) return [];
  const limit = `at most ${MAX_RENDERED_CHARS} characters`;
  const shares = [...added].filter(([, s]) => s.chars > 0).sort(([, a], [, b]) => b.chars * b.uses - a.chars * a.uses);
  if (shares.length === 0) return [{ field, message: `renders ${length} characters; ${limit}` }];
  return shares.map(([name, s]) => ({
    field: `variables.${name}`,
    message: `its ${s.chars} characters, inserted ${s.uses} time${s.uses === 1 ? '' : 's'}, make ${field} render ${length} characters; ${limit}`,
  }));
}

export interface RenderedTexts {
  systemPrompt: string | null;
  prompt: string;
}

/**
 * Strict render of one version: a 422 names every missing, undeclared or ill-typed variable, and any that makes a text too long.
 * `split`: the variables of the split that picked it (see resolveValues).
 */
export function renderVersion(
  version: { systemPrompt: string | null; body: string; variables: readonly TemplateVariable[] },
  input: Readonly<Record<string, unknown>>,
  split: SplitVariables | null = null,
): RenderedTexts {
  const { values, errors } = resolveValues(version.variables, input, split);
  if (errors.length > 0) {
    throw new AppError('validation_error', `Template variables are invalid: ${errors.map((e) => e.field).join(', ')}`, errors);
  }
  const oversize = [...oversizeErrors('system_prompt', version.systemPrompt, values), ...oversizeErrors('body', version.body, values)];
  if (oversize.length > 0) {
    const fields = [...new Set(oversize.map((e) => e.field))].join(', ');
    throw new AppError('validation_error', `The rendered template would be longer than ${MAX_RENDERED_CHARS} characters: shorten ${fields}`, oversize);
  }
  return {
    systemPrompt: version.systemPrompt === null ? null : substitute(version.systemPrompt, values),
    prompt: substitute(version.body, values),
  };
}
