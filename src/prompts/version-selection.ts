import { createHash } from 'node:crypto';
import { ErrorDetail } from '../common/errors/app-error';

/** Weights over versions as stored: {"1": 70, "2": 30}. */
export type VersionWeights = Record<string, number>;

interface Slice {
  version: number;
  upTo: number;
}

/** Cumulative slices of [0,1) in version order (so the same weights always cut the same way). */
export function cumulativeSlices(weights: Readonly<VersionWeights>): Slice[] {
  const entries = Object.entries(weights)
    .map(([version, weight]) => ({ version: Number(version), weight }))
    .filter((e) => e.weight > 0)
    .sort((a, b) => a.version - b.version);
  const total = entries.reduce((sum, e) => sum + e.weight, 0);
  let running = 0;
  return entries.map((e) => {
    running += e.weight;
    return { version: e.version, upTo: running / total };
  });
}

/** Picks the version whose slice holds `point` (in [0,1)). */
export function pickByPoint(weights: Readonly<VersionWeights>, point: number): number {
  const slices = cumulativeSlices(weights);
  if (slices.length === 0) throw new Error('weights select no version');
  return (slices.find((s) => point < s.upTo) ?? slices[slices.length - 1]).version;
}

/** A stable point in [0,1) for a subject of one template: sha256(template id + subject), first 48 bits. */
export function subjectPoint(templateId: string, subject: string): number {
  const digest = createHash('sha256').update(`${templateId}\u0000${subject}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/**
 * The version to serve under weights: a subject always lands on the same
 * version while the weights stand; without one the pick is random.
 */
export function selectVersion(weights: Readonly<VersionWeights>, templateId: string, subject?: string, random: () => number = Math.random): number {
  const point = subject !== undefined && subject !== '' ? subjectPoint(templateId, subject) : random();
  return pickByPoint(weights, point);
}

/** Whether weights select anything: stored ones always do; null or all-zero ones leave the choice to the label. */
export function hasPositiveWeight(weights: Readonly<Record<string, number>> | null): boolean {
  return weights !== null && Object.values(weights).some((w) => typeof w === 'number' && w > 0);
}

/** Problems with weights a caller wants to set: known versions, finite non-negative numbers, some weight > 0. */
export function weightErrors(weights: Readonly<Record<string, unknown>>, knownVersions: ReadonlySet<number>, field: string): ErrorDetail[] {
  const errors: ErrorDetail[] = [];
  let total = 0;
  for (const [key, weight] of Object.entries(weights)) {
    const version = Number(key);
    if (!/^[1-9][0-9]*$/.test(key) || !knownVersions.has(version)) {
      errors.push({ field: `${field}.${key}`, message: `version "${key}" does not exist` });
    }
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
      errors.push({ field: `${field}.${key}`, message: 'weight must be a non-negative number' });
    } else total += weight;
  }
  if (errors.length === 0 && total <= 0) errors.push({ field, message: 'at least one weight must be greater than 0' });
  // a sum that overflows to Infinity makes every slice but the last empty: all traffic would go to the newest version
  if (errors.length === 0 && !Number.isFinite(total)) errors.push({ field, message: 'weights are too large: their sum must be a finite number' });
  return errors;
}

/** Whether two stored weights (or their absence) select alike: the same positive weight for each version. */
export function sameWeights(a: Readonly<VersionWeights> | null, b: Readonly<VersionWeights> | null): boolean {
  const positive = (w: Readonly<VersionWeights> | null) => Object.entries(w ?? {}).filter(([, weight]) => weight > 0);
  const left = positive(a);
  const right = new Map(positive(b));
  return left.length === right.size && left.every(([version, weight]) => right.get(version) === weight);
}
