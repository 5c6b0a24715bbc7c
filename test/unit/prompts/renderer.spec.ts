import { AppError } from '@src/common/errors/app-error';
import type { TemplateVariable } from '@src/prompts/prompt-version.entity';
import { declarationErrors, MAX_RENDERED_CHARS, renderVersion, resolveValues, substitute, usedVariables } from '@src/prompts/renderer';

const vars = (...v: Partial<TemplateVariable>[]): TemplateVariable[] => v.map((x) => ({ name: 'x', required: false, default: null, description: null, ...x }));

function renderError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

describe('renderer', () => {
  describe(usedVariables.name, () => {
    it('finds placeholders with or without inner spaces, once each, in order', () => {
      expect(usedVariables('{{ a }} {{b}} {{  a}}', 'sys {{ _c9 }}')).toEqual(['a', 'b', '_c9']);
    });

    it('ignores malformed or unbalanced braces and invalid names', () => {
      expect(usedVariables('{{ 9x }} {{ a-b }} {{ open } close }} {x} {{}} {{ ok')).toEqual([]);
    });
  });

  describe(substitute.name, () => {
    it('keeps unbalanced braces literally and only replaces whole placeholders', () => {
      expect(substitute('{ {{a}} }} {{ a', { a: 'A' })).toBe('{ A }} {{ a');
      expect(substitute('{{{a}}}', { a: 'A' })).toBe('{A}');
    });

    it('renders a backslash before {{ as a literal {{, dropping the backslash, and uses no variable there', () => {
      expect(substitute(String.raw`Write \{{ name }} for {{ a }}; JSON: {"x": \{{"y": 1}}}`, { a: 'A', name: 'N' })).toBe(
        'Write {{ name }} for A; JSON: {"x": {{"y": 1}}}',
      );
      expect(substitute(String.raw`\{{{a}}} \{{{{a}}`, { a: 'A' })).toBe('{{{a}}} {{A');
      expect(usedVariables(String.raw`\{{ hidden }} {{ shown }}`)).toEqual(['shown']);
    });
  });

  describe(renderVersion.name, () => {
    const version = {
      systemPrompt: 'Write in {{ language }}.',
      body: 'Copy for {{product}} aimed at {{ audience }}.',
      variables: vars({ name: 'product', required: true }, { name: 'audience', required: true }, { name: 'language', default: 'English' }),
    };

    it('renders the system prompt and body, applying defaults', () => {
      expect(renderVersion(version, { product: 'LLMHub', audience: 'developers' })).toEqual({
        systemPrompt: 'Write in English.',
        prompt: 'Copy for LLMHub aimed at developers.',
      });
    });

    it('lets a given value override the default', () => {
      expect(renderVersion(version, { product: 'p', audience: 'a', language: 'German' }).systemPrompt).toBe('Write in German.');
    });

    it('names every missing required and every undeclared variable in a 422', () => {
      const error = renderError(() => renderVersion(version, { audience: 'a', colour: 'red', size: 3 }));
      expect(error.code).toBe('validation_error');
      expect(error.status).toBe(422);
      expect(error.details.map((d) => d.field).sort()).toEqual(['variables.colour', 'variables.product', 'variables.size']);
      expect(error.details.find((d) => d.field === 'variables.product')?.message).toMatch(/required.*product.*missing/);
      expect(error.details.find((d) => d.field === 'variables.colour')?.message).toMatch(/not declared/);
    });

    it('inserts values as text, never expanding placeholders inside them', () => {
      const out = renderVersion(version, { product: '{{ audience }} ${process.exit()}', audience: '{{product}}' });
      expect(out.prompt).toBe('Copy for {{ audience }} ${process.exit()} aimed at {{product}}.');
    });

    it('stringifies numbers and booleans and refuses objects and arrays', () => {
      expect(renderVersion(version, { product: 42, audience: true }).prompt).toBe('Copy for 42 aimed at true.');
      const error = renderError(() => renderVersion(version, { product: { a: 1 }, audience: ['x'] }));
      expect(error.details.map((d) => d.field).sort()).toEqual(['variables.audience', 'variables.product']);
    });

    it('treats null as not given, so a required variable without default is missing, and says why', () => {
      const error = renderError(() => renderVersion(version, { product: null, audience: 'a' }));
      expect(error.details).toEqual([{ field: 'variables.product', message: 'required variable "product" is missing (null counts as not given)' }]);
    });

    it('names a number too large for a double (JSON 1e400) as such, not as a wrong type', () => {
      const error = renderError(() => renderVersion(version, JSON.parse('{"product": 1e400, "audience": "a"}') as Record<string, unknown>));
      expect(error.details).toEqual([{ field: 'variables.product', message: 'variable "product" is a number too large to write as text' }]);
    });

    it('renders an optional variable without a default as empty text', () => {
      const v = { systemPrompt: null, body: 'a{{ x }}b', variables: vars({ name: 'x' }) };
      expect(renderVersion(v, {})).toEqual({ systemPrompt: null, prompt: 'ab' });
    });

    it('refuses with a 422 naming the variable a render that would outgrow the longest prompt a call takes, before building it', () => {
      const v = { systemPrompt: 'Be {{ tone }}.', body: '{{ a }}'.repeat(20_000), variables: vars({ name: 'a', required: true }, { name: 'tone' }) };
      // 20,000 copies of 500,000 characters: longer than any string the process could build
      const error = renderError(() => renderVersion(v, { a: 'y'.repeat(500_000), tone: 'brief' }));
      expect(error.status).toBe(422);
      expect(error.message).toBe(`The rendered template would be longer than ${MAX_RENDERED_CHARS} characters: shorten variables.a`);
      expect(error.details).toEqual([
        {
          field: 'variables.a',
          message: `its 500000 characters, inserted 20000 times, make body render 10000000000 characters; at most ${MAX_RENDERED_CHARS} characters`,
        },
      ]);
    });

    it('renders a text of exactly the longest length, counting escapes and placeholders as they render', () => {
      const v = { systemPrompt: null, body: String.raw`\{{ x }} {{ a }}`, variables: vars({ name: 'a' }) };
      const fill = 'z'.repeat(MAX_RENDERED_CHARS - '{{ x }} '.length);
      expect(renderVersion(v, { a: fill }).prompt).toHaveLength(MAX_RENDERED_CHARS);
      expect(renderError(() => renderVersion(v, { a: `${fill}z` })).details.map((d) => d.field)).toEqual(['variables.a']);
    });

    it('does not treat inherited object keys as values or declarations', () => {
      const v = { systemPrompt: null, body: '{{ toString }}', variables: vars({ name: 'toString', required: true }) };
      expect(renderError(() => renderVersion(v, {})).details[0].field).toBe('variables.toString');
    });
  });

  describe(declarationErrors.name, () => {
    it('names each used-but-undeclared variable, in the body and in the system prompt', () => {
      const errors = declarationErrors(vars({ name: 'a' }), 'sys {{ s }}', '{{ a }} {{ b }}');
      expect(errors.map((e) => e.field)).toEqual(['variables.s', 'variables.b']);
    });

    it('allows declared-but-unused variables', () => {
      expect(declarationErrors(vars({ name: 'a' }, { name: 'unused' }), null, '{{ a }}')).toEqual([]);
    });

    it('rejects duplicate and malformed declared names', () => {
      const errors = declarationErrors(vars({ name: 'a' }, { name: 'a' }, { name: '1bad' }), null, '{{ a }}');
      expect(errors.map((e) => e.field)).toEqual(['variables.a', 'variables[2].name']);
    });
  });

  describe(`${resolveValues.name} for a version a split picked`, () => {
    const split = {
      field: 'ab_weights',
      declared: new Set(['product', 'audience', 'tone']),
      needed: [{ name: 'audience', missing: 'required variable "audience" is missing: version 2 of the A/B split in ab_weights requires it' }],
    };
    const own = vars({ name: 'product' }, { name: 'tone', default: 'dry' });

    it('accepts a variable another arm declares without using it, and refuses one no arm declares', () => {
      expect(resolveValues(own, { product: 'p', audience: 'devs' }, split)).toEqual({ values: { product: 'p', tone: 'dry' }, errors: [] });
      expect(resolveValues(own, { product: 'p', audience: 'devs', colour: 'red' }, split).errors).toEqual([
        { field: 'variables.colour', message: 'variable "colour" is not declared by any version the A/B split in ab_weights serves' },
      ]);
    });

    it('refuses a call missing what another arm needs, or giving it a value that is not text', () => {
      expect(resolveValues(own, { product: 'p', audience: null }, split).errors).toEqual([
        {
          field: 'variables.audience',
          message: 'required variable "audience" is missing: version 2 of the A/B split in ab_weights requires it (null counts as not given)',
        },
      ]);
      expect(resolveValues(own, { audience: ['x'] }, split).errors).toEqual([
        { field: 'variables.audience', message: 'variable "audience" must be a string, number or boolean' },
      ]);
    });
  });
});
