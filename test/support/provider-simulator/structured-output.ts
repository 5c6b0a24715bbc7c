/**
 * What the simulator answers for OpenAI's `response_format` and `logprobs`.
 *
 * - `json_schema`: the reply is the smallest JSON value that conforms to the
 *   schema: an object with its required properties only, the first `enum`
 *   value or the `const`, the first branch of `anyOf` / `oneOf`, `$ref` followed
 *   (`#/$defs/…`, `#/definitions/…`), arrays of `minItems` items (else empty),
 *   `""` (or `minLength` times "a"), `0` (or `minimum`), `false`, `null`.
 * - `json_object`: the reply is `{}`.
 * - `logprobs`: the reply split into tokens (a word or one punctuation mark,
 *   with the whitespace before it), each with a logprob and, with
 *   `top_logprobs: N`, N alternatives: the token itself first, then `alt1`…
 *   with logprobs 1, 2… lower. Joining the tokens gives back the reply.
 */

type Schema = Record<string, unknown>;

const MAX_DEPTH = 32;

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function resolveRef(ref: string, root: Schema): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) {
    if (!isSchema(node)) return undefined;
    node = node[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

/** The smallest JSON value that conforms to `schema` (see the header). */
export function minimalInstance(schema: unknown, root: Schema = isSchema(schema) ? schema : {}, depth = 0): unknown {
  if (!isSchema(schema) || depth > MAX_DEPTH) return null;
  if (typeof schema.$ref === 'string') return minimalInstance(resolveRef(schema.$ref, root), root, depth + 1);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches) && branches.length > 0) return minimalInstance(branches[0], root, depth + 1);
  }
  if (Array.isArray(schema.allOf)) {
    const parts = schema.allOf.map((part) => minimalInstance(part, root, depth + 1));
    return parts.every(isSchema) ? Object.assign({}, ...parts) : (parts[0] ?? null);
  }
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const type = types.find((t) => t !== 'null') ?? types[0] ?? (isSchema(schema.properties) ? 'object' : undefined);
  switch (type) {
    case 'object': {
      const properties = isSchema(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required) ? schema.required.filter((name): name is string => typeof name === 'string') : [];
      const value: Record<string, unknown> = {};
      for (const name of required) value[name] = minimalInstance(properties[name], root, depth + 1);
      return value;
    }
    case 'array': {
      const count = typeof schema.minItems === 'number' ? schema.minItems : 0;
      return Array.from({ length: count }, () => minimalInstance(schema.items, root, depth + 1));
    }
    case 'string':
      return typeof schema.minLength === 'number' ? 'a'.repeat(schema.minLength) : '';
    case 'number':
    case 'integer':
      return typeof schema.minimum === 'number' ? (type === 'integer' ? Math.ceil(schema.minimum) : schema.minimum) : 0;
    case 'boolean':
      return false;
    default:
      return null;
  }
}

/** The reply text a response_format asks for, or undefined for plain text. */
export function structuredReply(responseFormat: unknown): string | undefined {
  if (!isSchema(responseFormat)) return undefined;
  if (responseFormat.type === 'json_object') return '{}';
  if (responseFormat.type === 'json_schema') {
    const spec = isSchema(responseFormat.json_schema) ? responseFormat.json_schema : {};
    return JSON.stringify(minimalInstance(spec.schema ?? {}));
  }
  return undefined;
}

const TOKEN = /\s*(?:[A-Za-z0-9_]+|[^\sA-Za-z0-9_])/g;

/** `text` as tokens: a word or one punctuation mark, each with the whitespace before it. */
export function tokensOf(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/** One entry of OpenAI's `logprobs.content` for the `index`-th token of a reply. */
export function tokenLogprob(token: string, index: number, top: number): Record<string, unknown> {
  const logprob = -((index % 7) + 1) / 100;
  const bytes = (t: string): number[] => Array.from(Buffer.from(t, 'utf8'));
  const alternatives = Array.from({ length: top }, (_, k) =>
    k === 0 ? { token, logprob, bytes: bytes(token) } : { token: `alt${k}`, logprob: logprob - k, bytes: bytes(`alt${k}`) },
  );
  return { token, logprob, bytes: bytes(token), top_logprobs: alternatives };
}

/** `logprobs.content` for `tokens`, the first being the reply's `offset`-th token. */
export function contentLogprobs(tokens: string[], top: number, offset = 0): Record<string, unknown>[] {
  return tokens.map((token, i) => tokenLogprob(token, offset + i, top));
}
