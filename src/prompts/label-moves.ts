import { AppError, ErrorDetail } from '../common/errors/app-error';
import { DEFAULT_LABEL } from './prompts.service';
import { hasPositiveWeight, VersionWeights, weightErrors } from './version-selection';

/** Where a label is to point: one version, weights over several, or nowhere (null: remove it). */
export type LabelTarget = { version: number | null; weights: VersionWeights | null } | null;

/**
 * The label moves an update asks for (`labels`: label → version or null; `label_weights`: label →
 * weights), checked against the template's versions; one detail per label that is wrong.
 */
export function requestedLabelMoves(
  request: { labels?: Record<string, unknown>; label_weights?: Record<string, unknown> },
  knownVersions: ReadonlySet<number>,
): { moves: Map<string, LabelTarget>; errors: ErrorDetail[] } {
  const moves = new Map<string, LabelTarget>();
  const errors: ErrorDetail[] = [];
  for (const [label, version] of Object.entries(request.labels ?? {})) {
    if (version === null) moves.set(label, null);
    // "1" or 1.5 is not a version number at all: saying "version 1 does not exist" would mislead
    else if (typeof version !== 'number' || !Number.isInteger(version))
      errors.push({ field: `labels.${label}`, message: `must be a version number (an integer) or null, got ${JSON.stringify(version)}` });
    else if (!knownVersions.has(version)) errors.push({ field: `labels.${label}`, message: `version ${String(version)} does not exist` });
    else moves.set(label, { version, weights: null });
  }
  for (const [label, weights] of Object.entries(request.label_weights ?? {})) {
    if (request.labels && Object.prototype.hasOwnProperty.call(request.labels, label)) {
      // one of the two would silently win
      errors.push({ field: `label_weights.${label}`, message: `label "${label}" is also in labels: point it at a version (labels) or at weights, not both` });
      moves.delete(label);
      continue;
    }
    if (typeof weights !== 'object' || weights === null || Array.isArray(weights)) {
      errors.push({ field: `label_weights.${label}`, message: 'must be an object of version → weight' });
      continue;
    }
    const problems = weightErrors(weights as Record<string, unknown>, knownVersions, `label_weights.${label}`);
    errors.push(...problems);
    if (problems.length === 0) moves.set(label, { version: null, weights: weights as VersionWeights });
  }
  return { moves, errors };
}

/**
 * While A/B weights stand they, not the production label, decide the default selection: a move of
 * that label would change nothing callers get. Refused (409) unless the same request ends the test.
 */
export function assertProductionGovernsDefault(templateName: string, abWeights: VersionWeights | null, field: string, fix: string): void {
  if (!hasPositiveWeight(abWeights)) return;
  throw new AppError(
    'conflict',
    `Template "${templateName}" runs an A/B test (ab_weights ${JSON.stringify(abWeights)}) that decides default traffic, ` +
      `so moving the ${DEFAULT_LABEL} label would not change which version callers get. ${fix}`,
    [{ field, message: `an A/B test (ab_weights) decides the default selection; end it (ab_weights: null) to move ${DEFAULT_LABEL}` }],
  );
}
