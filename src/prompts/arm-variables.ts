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

/** The versions a split gives traffic to (weight > 0), in order. */
function armsOf(weights: Readonly<VersionWeights>): number[] {
  return Object.entries(weights)
    .filter(([, weight]) => weight > 0)
    .map(([version]) => Number(version))
    .sort((a, b) => a - b);
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
  const arms = armsOf(weights);
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

/** A variable some arm of a split needs, and which arms: all of them, or (a split saved before such splits were refused) only some. */
export interface NeededVariable {
  name: string;
  /** the message when a call leaves it out */
  missing: string;
}

/**
 * What a caller's variables are checked against when a split picks the version, so that the outcome
 * never depends on the pick: the variables every arm together declares and needs.
 */
export interface SplitVariables {
  /** every variable some arm declares: a caller may give any of them, and an arm that does not declare one ignores it */
  declared: ReadonlySet<string>;
  /** every variable some arm needs, in name order: a call that leaves one out is refused whichever arm it is routed to */
  needed: readonly NeededVariable[];
  /** "ab_weights" or "label_weights.<label>", as the split is set */
  field: string;
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((name) => b.has(name));
}

/**
 * The variables of a split's arms taken together, or null when every arm declares and needs the
 * same ones (then checking the arm picked is checking them all). Computed once per cached template.
 */
export function splitVariables(
  weights: Readonly<VersionWeights>,
  variablesOf: ReadonlyMap<number, readonly TemplateVariable[]>,
  field: string,
): SplitVariables | null {
  const arms = armsOf(weights);
  if (arms.length < 2) return null;
  const declaredBy = arms.map((version) => new Set((variablesOf.get(version) ?? []).map((v) => v.name)));
  const neededBy = arms.map((version) => neededVariables(variablesOf.get(version) ?? []));
  if (declaredBy.every((d) => sameSet(d, declaredBy[0])) && neededBy.every((n) => sameSet(n, neededBy[0]))) return null;
  const names = [...new Set(neededBy.flatMap((needed) => [...needed]))].sort();
  const needed = names.map((name) => {
    const requiring = arms.filter((_, i) => neededBy[i].has(name));
    if (requiring.length === arms.length) return { name, missing: `required variable "${name}" is missing` };
    const verb = requiring.length === 1 ? 'requires' : 'require';
    return { name, missing: `required variable "${name}" is missing: ${versionList(requiring)} of the A/B split in ${field} ${verb} it` };
  });
  return { declared: new Set(declaredBy.flatMap((d) => [...d])), needed, field };
}

/**
 * One warning per variable the arms of a stored split disagree on: splits saved before such splits
 * were refused keep running (every call they route must give what any arm requires), and the
 * template's read shows the operator which to fix.
 */
export function splitWarnings(
  abWeights: Readonly<VersionWeights> | null,
  labels: readonly { label: string; weights: Readonly<VersionWeights> | null }[],
  variablesOf: ReadonlyMap<number, readonly TemplateVariable[]>,
): { field: string; message: string }[] {
  const splits: [string, Readonly<VersionWeights>][] = [];
  if (abWeights) splits.push(['ab_weights', abWeights]);
  for (const { label, weights } of labels) if (weights) splits.push([`label_weights.${label}`, weights]);
  return splits.flatMap(([field, weights]) =>
    armVariableErrors(weights, variablesOf, field).map((e) => ({
      field,
      message: `${e.message}, so every call this split routes must give it; split between versions that require the same variables`,
    })),
  );
}
