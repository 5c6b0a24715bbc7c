import { deeperThan } from '@src/common/http/json-depth';

function nestedArrays(depth: number): unknown {
  return JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);
}

describe(deeperThan.name, () => {
  it('counts objects and arrays as levels, scalars as none', () => {
    expect(deeperThan('text', 0)).toBe(false);
    expect(deeperThan(null, 0)).toBe(false);
    expect(deeperThan({}, 0)).toBe(true);
    expect(deeperThan({ a: [{ b: 1 }] }, 3)).toBe(false);
    expect(deeperThan({ a: [{ b: 1 }] }, 2)).toBe(true);
  });

  it('finds the deep branch among shallow siblings', () => {
    expect(deeperThan({ a: 1, b: [1, 2], c: { d: nestedArrays(70) } }, 64)).toBe(true);
    expect(deeperThan({ a: 1, b: [1, 2], c: { d: nestedArrays(62) } }, 64)).toBe(false);
  });

  it('answers for a hundred thousand levels without overflowing the stack', () => {
    expect(deeperThan(nestedArrays(100_000), 64)).toBe(true);
  });
});
