import { armVariableErrors, neededVariables } from '@src/prompts/arm-variables';
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
