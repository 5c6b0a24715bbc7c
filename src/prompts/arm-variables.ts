import { AppError, ErrorDetail } from '../common/errors/app-error';
import type { TemplateVariable } from './prompt-version.entity';
import { VersionWeights } from './version-selection';

/** The variables a caller must give a version: the required ones without a default. */
export function neededVariables(variables: readonly TemplateVariable[]): Set<string> {
  return new Set(variables.filter((v) => v.required && (v.default === undefined || v.default === null)).map((v) => v.name));
}

/** "version 2", "versions 1 and 3", "versions 1, 2 and 4" */
function versionList(versions: readonly number[]): string {
  if (versions.length === 1) return `version ${versions[0]}`;
  return `versions ${versions.slice(0, -1).join(', ')} and ${versions[versions.length - 1]}`;
}

/**
 * One detail per variable that some arms of a split (the versions its weights give traffic to)
 * need and others do not: a caller giving what one arm needs would be refused (422) on the share
 * of calls routed to another. Optional variables and defaults may differ: they need nothing.
 */
export function armVariableErrors(
  weights: Readonly<VersionWeights>,
  variablesOf: ReadonlyMap<number, readonly TemplateVariable[]>,
  field: string,
): ErrorDetail[] {
  const arms = Object.entries(weights)
    .filter(([, weight]) => weight > 0)
    .map(([version]) => Number(version))
    .sort((a, b) => a - b);
  const needs = new Map(arms.map((version) => [version, neededVariables(variablesOf.get(version) ?? [])]));
  const names = [...new Set([...needs.values()].flatMap((needed) => [...needed]))].sort();
  return names.flatMap((name) => {
    const without = arms.filter((version) => !needs.get(version)?.has(name));
    if (without.length === 0) return [];
    const requiring = arms.filter((version) => needs.get(version)?.has(name));
    return [{ field, message: `variable "${name}" is required by ${versionList(requiring)} but not by ${versionList(without)}` }];
  });
}

/** Throws a 422 naming each variable the arms of the splits disagree on, and their versions. */
export function assertArmsNeedSameVariables(errors: readonly ErrorDetail[], templateName: string): void {
  if (errors.length === 0) return;
  throw new AppError(
    'validation_error',
    `The versions an A/B split of template "${templateName}" serves require different variables (${errors.map((e) => e.message).join('; ')}): ` +
      'a caller giving the variables of one version would be refused on the calls routed to another. ' +
      'Split traffic between versions that require the same variables (optional ones and defaults may differ).',
    [...errors],
  );
}
