import { COMMITTED_DOCUMENT, schemaMismatches } from './documented-responses';

type Json = Record<string, unknown>;
interface Media {
  schema?: Json;
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}

/** Where each example of a schema (its own and its properties', at any depth) departs from that schema. */
function schemaExampleMismatches(schema: unknown, at: string): string[] {
  if (!schema || typeof schema !== 'object') return [];
  if (Array.isArray(schema)) return schema.flatMap((item, i) => schemaExampleMismatches(item, `${at}[${i}]`));
  const { example, examples: _examples, ...rest } = schema as Json;
  const own = 'example' in schema && !rest.$ref ? schemaMismatches(rest, example, `${at} example`) : [];
  return [...own, ...Object.entries(rest).flatMap(([key, value]) => schemaExampleMismatches(value, `${at}.${key}`))];
}

function mediaExampleMismatches(content: Record<string, Media> | undefined, at: string): string[] {
  return Object.entries(content ?? {}).flatMap(([type, media]) => {
    if (!media.schema) return [];
    const schema = media.schema;
    const whole = media.example === undefined ? [] : schemaMismatches(schema, media.example, `${at} ${type} example`);
    const named = Object.entries(media.examples ?? {}).flatMap(([name, example]) => schemaMismatches(schema, example.value, `${at} ${type} ${name}`));
    return [...whole, ...named];
  });
}

/** A reader copies the document's examples, and Swagger UI sends them: each one fits the schema it illustrates. */
describe('the OpenAPI document’s examples', () => {
  it('fit their schemas: components, parameters, request bodies and responses', () => {
    const mismatches = schemaExampleMismatches(COMMITTED_DOCUMENT.components.schemas, 'components.schemas');
    for (const [path, item] of Object.entries(COMMITTED_DOCUMENT.paths)) {
      for (const [method, operation] of Object.entries(item as Record<string, unknown>) as [string, Json][]) {
        const at = `${method.toUpperCase()} ${path}`;
        mismatches.push(...schemaExampleMismatches(operation.parameters, `${at} parameters`));
        mismatches.push(...mediaExampleMismatches((operation.requestBody as { content?: Record<string, Media> })?.content, `${at} request`));
        for (const [status, response] of Object.entries(operation.responses as Record<string, { content?: Record<string, Media> }>))
          mismatches.push(...mediaExampleMismatches(response.content, `${at} ${status}`));
      }
    }
    expect(mismatches).toEqual([]);
  });
});
