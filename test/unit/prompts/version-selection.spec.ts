import { mulberry32 } from '@bench/seed-usage';
import { cumulativeSlices, pickByPoint, sameWeights, selectVersion, subjectPoint, weightErrors } from '@src/prompts/version-selection';

/** A small deterministic PRNG (mulberry32), so the distribution test cannot flake. */
const seeded = mulberry32;

describe('version selection', () => {
  it('cuts [0,1) into cumulative slices in version order, dropping zero weights', () => {
    expect(cumulativeSlices({ '2': 30, '1': 70, '3': 0 })).toEqual([
      { version: 1, upTo: 0.7 },
      { version: 2, upTo: 1 },
    ]);
  });

  it('picks the version whose slice holds the point', () => {
    const w = { '1': 70, '2': 30 };
    expect(pickByPoint(w, 0)).toBe(1);
    expect(pickByPoint(w, 0.6999)).toBe(1);
    expect(pickByPoint(w, 0.7)).toBe(2);
    expect(pickByPoint(w, 0.99999)).toBe(2);
  });

  it('lands near 70/30 over many random selections', () => {
    const random = seeded(42);
    const n = 20_000;
    let ones = 0;
    for (let i = 0; i < n; i++) if (selectVersion({ '1': 70, '2': 30 }, 't', undefined, random) === 1) ones++;
    // σ ≈ sqrt(n·0.7·0.3) ≈ 65; ±5σ
    expect(Math.abs(ones - 0.7 * n)).toBeLessThan(330);
  });

  it('keeps a subject on one version while the weights stand, whatever the random source says', () => {
    const first = selectVersion({ '1': 50, '2': 50 }, 'tpl-1', 'user-7', () => 0);
    for (let i = 0; i < 20; i++) expect(selectVersion({ '1': 50, '2': 50 }, 'tpl-1', 'user-7', Math.random)).toBe(first);
  });

  it('spreads subjects across versions by their hash, close to the weights', () => {
    let ones = 0;
    const n = 10_000;
    for (let i = 0; i < n; i++) if (selectVersion({ '1': 70, '2': 30 }, 'tpl', `subject-${i}`) === 1) ones++;
    expect(Math.abs(ones - 0.7 * n)).toBeLessThan(250);
  });

  it('derives the subject point from template id and subject, in [0,1)', () => {
    const p = subjectPoint('a', 'b');
    expect(p).toBeGreaterThanOrEqual(0);
    expect(p).toBeLessThan(1);
    expect(subjectPoint('a', 'b')).toBe(p);
    expect(subjectPoint('a2', 'b')).not.toBe(p);
  });

  it('reports unknown versions, bad weights and an all-zero split', () => {
    const known = new Set([1, 2]);
    expect(weightErrors({ '1': 70, '2': 30 }, known, 'ab_weights')).toEqual([]);
    expect(
      weightErrors({ '3': 10, '1': -1 }, known, 'ab_weights')
        .map((e) => e.field)
        .sort(),
    ).toEqual(['ab_weights.1', 'ab_weights.3']);
    expect(weightErrors({ '1': 'x' }, known, 'w')[0].message).toMatch(/non-negative number/);
    expect(weightErrors({ '1': 0 }, known, 'w')).toEqual([{ field: 'w', message: expect.stringMatching(/greater than 0/) }]);
  });

  it('refuses weights whose sum overflows, which would send every call to the last version', () => {
    expect(pickByPoint({ '1': 1e308, '2': 1e308 }, 0.1)).toBe(2); // what such weights would do
    expect(weightErrors({ '1': 1e308, '2': 1e308 }, new Set([1, 2]), 'ab_weights')).toEqual([
      { field: 'ab_weights', message: expect.stringMatching(/too large/) },
    ]);
  });

  it('tells weights that select alike from a change, ignoring key order and zero weights', () => {
    expect(sameWeights({ '1': 70, '2': 30 }, { '2': 30, '1': 70 })).toBe(true);
    expect(sameWeights({ '1': 70, '2': 30, '3': 0 }, { '1': 70, '2': 30 })).toBe(true);
    expect(sameWeights(null, null)).toBe(true);
    expect(sameWeights({ '1': 70, '2': 30 }, { '1': 60, '2': 40 })).toBe(false);
    expect(sameWeights({ '1': 70 }, { '1': 70, '2': 30 })).toBe(false);
    expect(sameWeights({ '1': 1 }, null)).toBe(false);
  });
});
