import { jsonShapeProblem } from '@src/common/http/json-shape';

const shape = (json: string, maxDepth = 64, maxItems = 1_000) => jsonShapeProblem(Buffer.from(json), maxDepth, maxItems);

describe(jsonShapeProblem.name, () => {
  it('counts each object, array, string, number, boolean and null, and each key', () => {
    // the object, 2 keys, the array, 1, "two", true, null
    const json = '{"a": [1, "two", true, null], "b": {}}';
    expect(shape(json, 64, 9)).toBeUndefined();
    expect(shape(json, 64, 8)).toBe('too-many-items');
    expect(shape('[-1.5e+10, 0, false]', 64, 4)).toBeUndefined();
    expect(shape('[-1.5e+10, 0, false]', 64, 3)).toBe('too-many-items');
  });

  it('reads a string as one item, whatever it holds: escaped quotes, backslashes, brackets', () => {
    expect(shape(JSON.stringify({ text: 'say "[{" \\ and \\" then ]}' }), 64, 3)).toBeUndefined();
    expect(shape(JSON.stringify({ text: `${'\\'.repeat(7)}"{`.repeat(1_000) }), 1, 3)).toBeUndefined();
    expect(shape(JSON.stringify(['a\\', '{', 'b\\\\"']), 1, 4)).toBeUndefined();
  });

  it('counts objects and arrays as levels, as JSON.parse would build them', () => {
    expect(shape('{"a": [{"b": 1}]}', 3)).toBeUndefined();
    expect(shape('{"a": [{"b": 1}]}', 2)).toBe('too-deep');
    expect(shape('[[1], [2], [[3]]]', 3)).toBeUndefined();
    expect(shape('{}', 0)).toBe('too-deep');
    expect(shape('"text"', 0)).toBeUndefined();
  });

  it('finds a deep branch among shallow siblings, and stops reading there', () => {
    const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    expect(shape(`{"a": 1, "b": [1, 2], "c": {"d": ${nested(70)}}}`)).toBe('too-deep');
    expect(shape(`{"a": 1, "b": [1, 2], "c": {"d": ${nested(62)}}}`)).toBeUndefined();
    expect(shape('['.repeat(1_000_000))).toBe('too-deep');
  });

  it('reads a malformed body without failing (JSON.parse says what is wrong with it)', () => {
    expect(shape('{"model": ')).toBeUndefined();
    expect(shape('{"unterminated')).toBeUndefined();
    expect(shape(']]]]{')).toBeUndefined();
  });

  it('holds the bounds on what LLMHub is sent: a long text is one item, differently keyed objects are many', () => {
    const text = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'word "quoted" \\ '.repeat(100_000) }] });
    // the object, model, m, messages, the array, the message, role, user, content, its text
    expect(shape(text, 64, 10)).toBeUndefined();
    expect(shape(text, 64, 9)).toBe('too-many-items');
    const objects = JSON.stringify(Array.from({ length: 1_000 }, (_, i) => ({ [`key${i}`]: i })));
    expect(shape(objects, 64, 3_000)).toBe('too-many-items');
    expect(shape(objects, 64, 3_001)).toBeUndefined();
  });
});
