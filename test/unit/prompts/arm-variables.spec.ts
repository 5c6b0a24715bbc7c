import { armVariableErrors, neededVariables, splitVariables, splitWarnings } from '@src/prompts/arm-variables';
import type { TemplateVariable } from '@src/prompts/prompt-version.entity';

const required = (name: string, default_: string | null = null): TemplateVariable => ({ name, required: true, default: default_ });
const optional = (name: string): TemplateVariable => ({ name, required: false, default: null });

describe('the variables the arms of a split require', () => {
  it('counts as needed only the required variables without a default', () => {
    expect([...neededVariables([required('a'), required('b', 'x'), optional('c')])]).toEqual(['a']);
  });

  it('names each variable some arms require and others do not, with the versions on each side', () => {
    const variablesOf = new Map<number, TemplateVariable[]>([
      [1, [required('product')]],
      [2, [required('product'), required('audience')]],
      [3, [required('tone'), required('audience')]],
    ]);
    expect(armVariableErrors({ '1': 1, '2': 1, '3': 1 }, variablesOf, 'ab_weights')).toEqual([
      { field: 'ab_weights', message: 'variable "audience" is required by versions 2 and 3 but not by version 1' },
      { field: 'ab_weights', message: 'variable "product" is required by versions 1 and 2 but not by version 3' },
      { field: 'ab_weights', message: 'variable "tone" is required by version 3 but not by versions 1 and 2' },
    ]);
  });

  it('lets optional variables and defaults differ, and leaves out versions given no traffic', () => {
    const variablesOf = new Map<number, TemplateVariable[]>([
      [1, [required('product')]],
      [2, [required('product'), optional('audience')]],
      [3, [required('product'), required('audience', 'everyone')]],
      [4, [required('product'), required('audience')]],
    ]);
    expect(armVariableErrors({ '1': 50, '2': 25, '3': 25, '4': 0 }, variablesOf, 'label_weights.canary')).toEqual([]);
    expect(armVariableErrors({ '1': 50, '4': 1 }, variablesOf, 'label_weights.canary')).toEqual([
      { field: 'label_weights.canary', message: 'variable "audience" is required by version 4 but not by version 1' },
    ]);
  });
});

describe('the variables of a split taken together', () => {
  const variablesOf = new Map<number, TemplateVariable[]>([
    [1, [required('product')]],
    [2, [required('product'), required('audience')]],
    [3, [required('product'), optional('audience')]],
    [4, [required('product')]],
  ]);

  it('is nothing to check beyond the version picked when every arm declares and needs the same variables', () => {
    expect(splitVariables({ '1': 1, '4': 1 }, variablesOf, 'ab_weights')).toBeNull();
    expect(splitVariables({ '1': 1, '2': 0 }, variablesOf, 'ab_weights')).toBeNull();
  });

  it('collects what any arm declares, and what any arm needs with the arms that need it', () => {
    const split = splitVariables({ '1': 1, '2': 1, '3': 1 }, variablesOf, 'label_weights.canary');
    expect(split && [...split.declared].sort()).toEqual(['audience', 'product']);
    expect(split?.needed).toEqual([
      { name: 'audience', missing: 'required variable "audience" is missing: version 2 of the A/B split in label_weights.canary requires it' },
      { name: 'product', missing: 'required variable "product" is missing' },
    ]);
    expect(splitVariables({ '1': 1, '3': 1 }, variablesOf, 'ab_weights')?.needed).toEqual([
      { name: 'product', missing: 'required variable "product" is missing' },
    ]);
  });

  it('warns of each stored split whose arms need different variables', () => {
    expect(
      splitWarnings(
        { '1': 1, '2': 1 },
        [
          { label: 'canary', weights: { '1': 1, '3': 1 } },
          { label: 'beta', weights: { '2': 1, '4': 1 } },
        ],
        variablesOf,
      ),
    ).toEqual([
      { field: 'ab_weights', message: expect.stringMatching(/^variable "audience" is required by version 2 but not by version 1, so every call/) },
      { field: 'label_weights.beta', message: expect.stringMatching(/^variable "audience" is required by version 2 but not by version 4, so every call/) },
    ]);
    expect(splitWarnings(null, [{ label: 'production', weights: null }], variablesOf)).toEqual([]);
  });
});
