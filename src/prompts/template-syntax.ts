import { AppError, ErrorDetail } from '../common/errors/app-error';
import { PLACEHOLDER_SOURCE } from './renderer';

/**
 * The placeholder syntax of a template text, checked when a version is saved
 * so that a malformed placeholder is refused at once instead of reaching the
 * provider as literal text. The rules:
 *
 * - every `{{` opens a placeholder: `{{`, optional whitespace (line breaks
 *   included), one variable name (`[A-Za-z_][A-Za-z0-9_]*`), optional
 *   whitespace, `}}` (the renderer's grammar, PLACEHOLDER_SOURCE);
 * - extra braces around a placeholder stay literal, as the renderer leaves
 *   them: `{{{ a }}}` renders `{` + a + `}`;
 * - a `}}` that closes no placeholder is literal text (JSON and LaTeX end
 *   nested braces that way: `{"a": {"b": 1}}`), as is a single `{` or `}`.
 *
 * - a backslash before `{{` makes it literal: `\{{ name }}` renders `{{ name }}`
 *   (the renderer drops the backslash), and `\{{` alone is a literal `{{`.
 *
 * So a `{{` is refused when it is unclosed (no `}}` before the next `{{`, or
 * the text up to the `}}` spans lines or is a name closed by a single brace:
 * `Hello {{ name`, `{{name} …`), empty (`{{ }}`), or holds something other
 * than one variable name (`{{ user.name }}`, `{{ 9x }}`, `{{ a | upper }}`).
 */

export type TemplateSyntaxProblem = 'unclosed' | 'empty' | 'invalid_name';

export interface TemplateSyntaxError {
  problem: TemplateSyntaxProblem;
  /** where the placeholder's `{{` is, 1-based; the column counts characters (code points) */
  line: number;
  column: number;
  message: string;
}

/** At most this many problems of one text are listed; the rest are counted. */
export const MAX_LISTED_PROBLEMS = 10;
/** Longest placeholder content quoted in a message. */
const MAX_QUOTED = 40;

const PLACEHOLDER_AT = new RegExp(PLACEHOLDER_SOURCE, 'y');
const EMPTY_AT = /\{\{\s*\}\}/y;
/** The content of `{{name} … }}`: a name closed by a single brace, the usual typo for `{{name}}`. */
const SINGLE_BRACE_CLOSE = /^\s*[A-Za-z_][A-Za-z0-9_]*\s*\}(?!\})/;

function matchesAt(pattern: RegExp, text: string, index: number): number | null {
  pattern.lastIndex = index;
  const match = pattern.exec(text);
  return match ? match[0].length : null;
}

/** Line and column (1-based, code points) of indexes met in increasing order, counting on from the last one. */
function positionCounter(text: string): (index: number) => { line: number; column: number } {
  let line = 1;
  let column = 1;
  let at = 0;
  return (index) => {
    for (; at < index; at++) {
      const code = text.charCodeAt(at);
      if (code === 0x0a) {
        line++;
        column = 1;
      } else if (code < 0xdc00 || code > 0xdfff) column++; // the low half of a surrogate pair is the same character
    }
    return { line, column };
  };
}

/** `text.indexOf(needle, from)` for increasing `from`, reusing the last answer while it still holds (keeps the scan linear). */
function forwardFinder(text: string, needle: string): (from: number) => number {
  let searchedFrom = -1;
  let found = -1;
  return (from) => {
    if (searchedFrom < 0 || from < searchedFrom || (found !== -1 && found < from)) {
      searchedFrom = from;
      found = text.indexOf(needle, from);
    }
    return found;
  };
}

function quote(content: string): string {
  const trimmed = content.trim();
  const chars = [...trimmed];
  return `'{{ ${chars.length > MAX_QUOTED ? `${chars.slice(0, MAX_QUOTED).join('')}…` : trimmed} }}'`;
}

/** Every malformed placeholder of a text, in order (pure; linear in the text's length). */
export function templateSyntaxErrors(text: string): TemplateSyntaxError[] {
  const errors: TemplateSyntaxError[] = [];
  const positionOf = positionCounter(text);
  const report = (problem: TemplateSyntaxProblem, at: number, describe: (where: string) => string) => {
    const { line, column } = positionOf(at);
    errors.push({ problem, line, column, message: describe(`line ${line}, column ${column}`) });
  };
  const nextOpen = forwardFinder(text, '{{');
  const nextClose = forwardFinder(text, '}}');
  let from = 0;
  for (let open = nextOpen(from); open !== -1; open = nextOpen(from)) {
    if (open > 0 && text.charCodeAt(open - 1) === 0x5c /* \ */) {
      // an escaped `{{`: literal text, as the renderer leaves it
      from = open + 2;
      continue;
    }
    // in a run of braces the last two open the placeholder; the ones before are literal
    while (text[open + 2] === '{') open++;
    const placeholder = matchesAt(PLACEHOLDER_AT, text, open);
    if (placeholder !== null) {
      from = open + placeholder;
      continue;
    }
    const empty = matchesAt(EMPTY_AT, text, open);
    if (empty !== null) {
      report('empty', open, (where) => `empty placeholder '{{ }}' at ${where}: put a variable name between the braces`);
      from = open + empty;
      continue;
    }
    const close = nextClose(open + 2);
    const following = nextOpen(open + 2);
    const content = close === -1 || (following !== -1 && following < close) ? null : text.slice(open + 2, close);
    if (content === null || content.includes('\n') || SINGLE_BRACE_CLOSE.test(content)) {
      report('unclosed', open, (where) => `unclosed '{{' at ${where}: a placeholder is {{ name }}, closed by '}}'`);
      from = open + 2;
      continue;
    }
    report(
      'invalid_name',
      open,
      (where) => `${quote(content)} at ${where} is not a placeholder: a variable name is letters, digits and _, not starting with a digit`,
    );
    from = close + 2;
  }
  return errors;
}

/** The errors of one text as validation details of its field, at most MAX_LISTED_PROBLEMS and a count of the rest. */
export function templateSyntaxDetails(field: string, text: string | null | undefined): ErrorDetail[] {
  if (!text) return [];
  const errors = templateSyntaxErrors(text);
  const details: ErrorDetail[] = errors.slice(0, MAX_LISTED_PROBLEMS).map((e) => ({ field, message: e.message }));
  const more = errors.length - details.length;
  if (more > 0) details.push({ field, message: `and ${more} more malformed placeholder${more === 1 ? '' : 's'}` });
  return details;
}

/**
 * Throws a 422 naming, for each text given, every malformed placeholder with its
 * line and column (`body: unclosed '{{' at line 2, column 7: …`). A text that is
 * null or left out is not checked.
 */
export function assertTemplateSyntax(texts: Readonly<Record<string, string | null | undefined>>): void {
  const details = Object.entries(texts).flatMap(([field, text]) => templateSyntaxDetails(field, text));
  if (details.length === 0) return;
  const listed = details.slice(0, 3).map((d) => `${d.field}: ${d.message}`);
  const rest = details.length - listed.length;
  throw new AppError('validation_error', `Template syntax is invalid: ${listed.join('; ')}${rest > 0 ? `; and ${rest} more (see details)` : ''}`, details);
}
