import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '../../../sdk/src';

/** The subset of OpenAPI 3.0 schema keywords sdk/openapi.json uses. */
interface Schema {
  $ref?: string;
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array';
  format?: string;
  nullable?: boolean;
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
}

interface DocumentedResponse {
  headers?: Record<string, { schema?: Schema }>;
  content?: Record<string, { schema?: Schema }>;
}

interface Operation {
  operationId: string;
  responses: Record<string, DocumentedResponse>;
}

type Document = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

export const COMMITTED_DOCUMENT: Document = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'sdk', 'openapi.json'), 'utf8'));

const FORMATS: Record<string, RegExp> = {
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  // what JSON.stringify makes of a Date, which is what the server answers
  'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
};

/** The headers LLMHub itself adds: each one a response carries must be documented for its status. */
const OWN_HEADERS = /^(x-request-id|request-id|x-llmhub-.*|x-ratelimit-.*|retry-after)$/i;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/**
 * Where `value` departs from `schema`, one line per departure. Strict where the SDK's types are: a
 * property the schema does not list (on an object that lists its properties) is a departure, as the
 * generated type has no field for it; so is a null where the schema is not nullable.
 */
export function schemaMismatches(schema: Schema, value: unknown, at = 'body'): string[] {
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = COMMITTED_DOCUMENT.components.schemas[name];
    if (!target) return [`${at}: $ref to an undefined schema ${name}`];
    return schemaMismatches({ ...target, nullable: target.nullable || schema.nullable }, value, at);
  }
  if (value === null) return schema.nullable ? [] : [`${at}: null, but the schema is not nullable`];
  if (schema.allOf) {
    return schema.allOf.flatMap((part) => schemaMismatches({ ...part, nullable: schema.nullable }, value, at));
  }
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives) {
    const fits = alternatives.some((alternative) => schemaMismatches(alternative, value, at).length === 0);
    return fits ? [] : [`${at}: ${JSON.stringify(value)} fits none of its ${alternatives.length} alternatives`];
  }
  const actual = typeOf(value);
  if (schema.type && schema.type !== actual && !(schema.type === 'number' && actual === 'integer')) {
    return [`${at}: ${actual} ${JSON.stringify(value)?.slice(0, 80)}, documented as ${schema.type}`];
  }
  if (schema.enum && !schema.enum.includes(value)) return [`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`];
  const problems: string[] = [];
  if (typeof value === 'string') {
    const format = schema.format ? FORMATS[schema.format] : undefined;
    if (format && !format.test(value)) problems.push(`${at}: ${JSON.stringify(value)} is not a ${schema.format}`);
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) problems.push(`${at}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) problems.push(`${at}: ${value} is below the minimum ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) problems.push(`${at}: ${value} is above the maximum ${schema.maximum}`);
  }
  if (Array.isArray(value) && schema.items) {
    const items = schema.items;
    value.forEach((item, index) => problems.push(...schemaMismatches(items, item, `${at}[${index}]`)));
  }
  if (actual === 'object') {
    const object = value as Record<string, unknown>;
    for (const name of schema.required ?? []) if (!(name in object)) problems.push(`${at}.${name}: required, but absent`);
    for (const [name, field] of Object.entries(object)) {
      const documented = schema.properties?.[name];
      if (documented) problems.push(...schemaMismatches(documented, field, `${at}.${name}`));
      else if (typeof schema.additionalProperties === 'object') problems.push(...schemaMismatches(schema.additionalProperties, field, `${at}.${name}`));
      else if (schema.properties && schema.additionalProperties !== true) problems.push(`${at}.${name}: answered, but not documented`);
    }
  }
  return problems;
}

function headerMismatches(documented: DocumentedResponse, headers: Headers): string[] {
  const problems: string[] = [];
  const byName = new Map(Object.entries(documented.headers ?? {}).map(([name, header]) => [name.toLowerCase(), header]));
  if (!headers.has('x-request-id')) problems.push('header x-request-id: absent');
  headers.forEach((value, name) => {
    if (!OWN_HEADERS.test(name)) return;
    const header = byName.get(name.toLowerCase());
    if (!header) return problems.push(`header ${name}: answered, but not documented for this status`);
    const schema = header.schema ?? {};
    if (schema.type === 'integer' || schema.type === 'number') {
      const number = Number(value);
      if (value.trim() === '' || Number.isNaN(number) || (schema.type === 'integer' && !Number.isInteger(number)))
        problems.push(`header ${name}: ${JSON.stringify(value)}, documented as ${schema.type}`);
    } else problems.push(...schemaMismatches(schema, value, `header ${name}`));
  });
  return problems;
}

/**
 * Holds every response an SDK client receives against the document: its status must be listed for its
 * operation, its content type and body must fit that status's schema, and LLMHub's own headers must be
 * documented. Attach it to a client, make calls, then read `mismatches` and `seen`.
 */
export class DocumentedResponses {
  /** "operationId status" of every response checked. */
  readonly seen = new Set<string>();
  readonly mismatches: string[] = [];

  attach(client: Client): void {
    client.interceptors.response.use(async (response, request, options) => {
      await this.check(request.method.toLowerCase(), options.url, response);
      return response;
    });
  }

  operations(filter: (path: string) => boolean): string[] {
    return Object.entries(COMMITTED_DOCUMENT.paths)
      .filter(([path]) => filter(path))
      .flatMap(([, item]) => Object.values(item).map((operation) => operation.operationId));
  }

  private async check(method: string, path: string, response: Response): Promise<void> {
    const operation = COMMITTED_DOCUMENT.paths[path]?.[method];
    if (!operation) return void this.mismatches.push(`${method.toUpperCase()} ${path}: not in the document`);
    const status = String(response.status);
    this.seen.add(`${operation.operationId} ${status}`);
    const label = `${operation.operationId} ${status}`;
    const documented = operation.responses[status];
    if (!documented) return void this.mismatches.push(`${label}: status not documented (documented: ${Object.keys(operation.responses).join(', ')})`);
    const problems = headerMismatches(documented, response.headers);
    const text = await response.clone().text();
    const contentType = (response.headers.get('content-type') ?? '').split(';')[0].trim();
    const media = documented.content?.[contentType];
    if (text === '') {
      if (documented.content) problems.push(`empty body, documented as ${Object.keys(documented.content).join(', ')}`);
    } else if (!media) {
      problems.push(`content type ${contentType || '(none)'} not documented (documented: ${Object.keys(documented.content ?? {}).join(', ') || 'no body'})`);
    } else if (media.schema && contentType === 'application/json') {
      problems.push(...schemaMismatches(media.schema, JSON.parse(text)));
    }
    this.mismatches.push(...problems.map((problem) => `${label}: ${problem}`));
  }
}
