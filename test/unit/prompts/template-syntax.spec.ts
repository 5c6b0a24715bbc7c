import { AppError } from '@src/common/errors/app-error';
import { substitute, usedVariables } from '@src/prompts/renderer';
import { assertTemplateSyntax, MAX_LISTED_PROBLEMS, templateSyntaxDetails, templateSyntaxErrors } from '@src/prompts/template-syntax';

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

const problems = (text: string) => templateSyntaxErrors(text).map(({ problem, line, column }) => ({ problem, line, column }));

describe('template syntax', () => {
  describe(templateSyntaxErrors.name, () => {
    it.each([
      ['a plain text', 'Write a tagline.'],
      ['placeholders with or without inner spaces', '{{ a }} {{b}} {{  _c9  }}'],
      ['a placeholder whose name sits on its own line', 'x {{\n  name\n}} y'],
      ['extra braces around a placeholder (rendered literally around the value)', '{{{ a }}} and {{{{b}}}}'],
      ['a }} that closes no placeholder (JSON)', 'Answer as {"result": {"score": 1}}'],
      ['nested LaTeX braces', '\\sqrt{\\frac{a}{b}} = {{ value }}'],
      ['single braces', 'f(x) = {x} and } and {'],
      ['a closing brace after a placeholder', '{{ a }}}'],
      ['escaped openings (a backslash before {{), which are literal text', String.raw`Literal \{{ and \{{ }} and \{{ user.name }} and \{{ open, then {{ a }}`],
      ['the seeded system templates', 'Instructions for the reply: {{ instructions }}\nTone: {{ tone }}\n\n--- e-mail ---\n{{ email }}\n--- end ---'],
    ])('accepts %s', (_what, text) => {
      expect(templateSyntaxErrors(text)).toEqual([]);
    });

    it.each([
      ['an unclosed {{ at the end of the text', 'Hello {{ broken', [{ problem: 'unclosed', line: 1, column: 7 }]],
      ['{{ closed by a single brace', 'Hi {{name}, welcome', [{ problem: 'unclosed', line: 1, column: 4 }]],
      ['{{ closed by a single brace with a later }} on the line', '{{name} and {"a": {"b": 1}}', [{ problem: 'unclosed', line: 1, column: 1 }]],
      ['{{ whose }} comes after another {{', 'a {{ one {{ two }}', [{ problem: 'unclosed', line: 1, column: 3 }]],
      ['{{ whose }} is on a later line', 'one {{ two\nthree }}', [{ problem: 'unclosed', line: 1, column: 5 }]],
      [
        'an empty placeholder',
        'x {{ }} y {{}}',
        [
          { problem: 'empty', line: 1, column: 3 },
          { problem: 'empty', line: 1, column: 11 },
        ],
      ],
      ['an empty placeholder over lines', '{{\n\n}}', [{ problem: 'empty', line: 1, column: 1 }]],
      ['a dotted name', '{{ user.name }}', [{ problem: 'invalid_name', line: 1, column: 1 }]],
      ['a name starting with a digit', '{{ 9x }}', [{ problem: 'invalid_name', line: 1, column: 1 }]],
      ['two words', '{{ a b }}', [{ problem: 'invalid_name', line: 1, column: 1 }]],
      ['a filter', '{{ a | upper }}', [{ problem: 'invalid_name', line: 1, column: 1 }]],
      [
        'another template language',
        '{{#if x}}yes{{/if}}',
        [
          { problem: 'invalid_name', line: 1, column: 1 },
          { problem: 'invalid_name', line: 1, column: 13 },
        ],
      ],
      ['a brace-escaped JSON example', 'Answer as {{"a": 1}}', [{ problem: 'invalid_name', line: 1, column: 11 }]],
    ])('refuses %s', (_what, text, expected) => {
      expect(problems(text)).toEqual(expected);
    });

    it('finds every problem with its line and column, keeping the good placeholders', () => {
      const text = 'Hello {{ name }},\nyour {{ order.id }} is {{ status\n\t{{ }} and {{ ok }}';
      expect(problems(text)).toEqual([
        { problem: 'invalid_name', line: 2, column: 6 },
        { problem: 'unclosed', line: 2, column: 24 },
        { problem: 'empty', line: 3, column: 2 },
      ]);
      expect(usedVariables(text)).toEqual(['name', 'ok']);
    });

    it('counts columns in characters, so an emoji before a placeholder is one column', () => {
      expect(problems('😀 {{ x')).toEqual([{ problem: 'unclosed', line: 1, column: 3 }]);
      expect(problems('a\r\n{{ x')).toEqual([{ problem: 'unclosed', line: 2, column: 1 }]);
    });

    it('names the problem and the place in its message, quoting a long placeholder shortened', () => {
      expect(templateSyntaxErrors('ab\ncdefg {{ broken')[0].message).toBe("unclosed '{{' at line 2, column 7: a placeholder is {{ name }}, closed by '}}'");
      expect(templateSyntaxErrors('{{ }}')[0].message).toBe("empty placeholder '{{ }}' at line 1, column 1: put a variable name between the braces");
      expect(templateSyntaxErrors('{{ user.name }}')[0].message).toBe(
        "'{{ user.name }}' at line 1, column 1 is not a placeholder: a variable name is letters, digits and _, not starting with a digit",
      );
      expect(templateSyntaxErrors(`{{ ${'x-'.repeat(50)} }}`)[0].message).toContain(`'{{ ${'x-'.repeat(20)}… }}'`);
    });

    it('every placeholder of an accepted text is one the renderer substitutes', () => {
      const text = '{{{ a }}} {{b}} {"j": {"k": 1}} {{\n c \n}}';
      expect(templateSyntaxErrors(text)).toEqual([]);
      expect(substitute(text, { a: 'A', b: 'B', c: 'C' })).toBe('{A} B {"j": {"k": 1}} C');
    });

    it('reports each of 40,000 unclosed braces of a long text once (one pass, no rescanning per brace)', () => {
      const errors = templateSyntaxErrors('{{ x '.repeat(40_000));
      expect(errors).toHaveLength(40_000);
      expect(new Set(errors.map((e) => e.column)).size).toBe(40_000);
    });
  });

  describe(templateSyntaxDetails.name, () => {
    it('gives one detail per problem under the field, then a count of those not listed', () => {
      const details = templateSyntaxDetails('body', '{{ }} '.repeat(MAX_LISTED_PROBLEMS + 3));
      expect(details).toHaveLength(MAX_LISTED_PROBLEMS + 1);
      expect(details.every((d) => d.field === 'body')).toBe(true);
      expect(details[MAX_LISTED_PROBLEMS].message).toBe('and 3 more malformed placeholders');
    });

    it('has nothing to say about a missing text', () => {
      expect(templateSyntaxDetails('system_prompt', null)).toEqual([]);
      expect(templateSyntaxDetails('system_prompt', undefined)).toEqual([]);
    });
  });

  describe(assertTemplateSyntax.name, () => {
    it('throws a 422 validation_error naming each field, problem and place', () => {
      const e = thrown(() => assertTemplateSyntax({ system_prompt: 'Use {{ lang', body: 'Line one\nHello {{ }}' }));
      expect(e.code).toBe('validation_error');
      expect(e.status).toBe(422);
      expect(e.details).toEqual([
        { field: 'system_prompt', message: expect.stringContaining("unclosed '{{' at line 1, column 5") },
        { field: 'body', message: expect.stringContaining("empty placeholder '{{ }}' at line 2, column 7") },
      ]);
      expect(e.message).toBe(
        "Template syntax is invalid: system_prompt: unclosed '{{' at line 1, column 5: a placeholder is {{ name }}, closed by '}}'; " +
          "body: empty placeholder '{{ }}' at line 2, column 7: put a variable name between the braces",
      );
    });

    it('accepts well-formed texts and texts left out', () => {
      expect(() => assertTemplateSyntax({ system_prompt: null, body: 'Hi {{ name }}' })).not.toThrow();
      expect(() => assertTemplateSyntax({ system_prompt: undefined, body: undefined })).not.toThrow();
    });
  });
});
