/**
 * What a JSON text would make JSON.parse build, read off its bytes before it is parsed: how deep its
 * objects and arrays nest, and how many keys and values it holds. Parsing costs far more per key and
 * value than per byte (small objects with differing keys took V8 up to half a second per megabyte here,
 * and one request's parse holds up every other call), so a body past either bound is refused unparsed.
 * Strings are skipped with indexOf, so a body that is mostly text or base64 is read at memchr speed.
 * Bytes that are not JSON are counted loosely: JSON.parse still says what is wrong with them.
 */
export type JsonShapeProblem = 'too-deep' | 'too-many-items';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/** The bytes a number, true, false or null is written with (and, loosely, what a malformed body has in their place). */
const LITERAL = new Uint8Array(256);
for (const c of '0123456789+-.eEtrufalsn') LITERAL[c.charCodeAt(0)] = 1;

/**
 * The first bound `json` passes: containers nested more than `maxDepth` deep (as `{}` is one level), or
 * more than `maxItems` keys and values in all (every object, array, string, number, boolean and null
 * counts, and every key); undefined when it passes neither. Stops reading at the first bound passed.
 */
export function jsonShapeProblem(json: Buffer, maxDepth: number, maxItems: number): JsonShapeProblem | undefined {
  let depth = 0;
  let items = 0;
  for (let i = 0; i < json.length; i++) {
    const byte = json[i];
    if (byte === QUOTE) {
      items++;
      i = closingQuote(json, i);
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      items++;
      if (++depth > maxDepth) return 'too-deep';
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      if (depth > 0) depth--;
    } else if (LITERAL[byte] === 1) {
      items++;
      while (i + 1 < json.length && LITERAL[json[i + 1]] === 1) i++;
    } else {
      // whitespace, and the commas and colons between items
      continue;
    }
    if (items > maxItems) return 'too-many-items';
  }
  return undefined;
}

/** Where the string opened at `open` closes: the next quote not escaped by an odd run of backslashes (the end, if none). */
function closingQuote(json: Buffer, open: number): number {
  let at = json.indexOf(QUOTE, open + 1);
  while (at !== -1) {
    let backslashes = 0;
    for (let k = at - 1; json[k] === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return at;
    at = json.indexOf(QUOTE, at + 1);
  }
  return json.length;
}
