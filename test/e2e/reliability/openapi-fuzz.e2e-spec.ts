import Decimal from 'decimal.js';
import fc from 'fast-check';
import { Client } from 'pg';
import request from 'supertest';
import { startTestApp, TestApp } from '@test/support/app';
import { applicationTables, changedTables, DbSnapshot, snapshotBuilder } from '@test/support/db-snapshot';

interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  parameters: { name: string; in: string }[];
  bodyFields: string[];
}

/** Strings that have broken parsers and databases before. */
const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  '😀'.repeat(50),
  'x'.repeat(100_000),
  '__proto__',
  'constructor',
  '../../etc/passwd',
  "' OR 1=1 --",
  '%FF',
  '1e309',
  '-1',
  'NaN',
  'null',
];
/** per operation: about a minute in all on a busy 2-core machine */
const RUNS = 25;
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'];
/** Client routes: they change no table but the usage log's. */
const CLIENT_ROUTE = /^\/(api\/v1|v1)\//;
/** Generation routes: a refused call there is documented to be one usage record; other requests leave none (docs/API.md, Errors). */
const GENERATION_ROUTE =
  /^\/(v1\/(chat\/completions|messages|embeddings|images\/generations|responses)|api\/v1\/(llm\/generate|llm\/generate-content|images\/generate))$/;
/** What one usage record changes: its row and the cost rollups it is counted in. */
const USAGE_TABLES = ['llm_generation_log', 'llm_hourly_costs', 'llm_daily_costs', 'llm_monthly_costs'];
const REFUSED_STATUSES = ['rejected', 'rate_limited', 'budget_exceeded', 'error'];

const nastyString = fc.oneof(fc.constantFrom(...NASTY_STRINGS), fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }));
const leaf = fc.oneof(nastyString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(1e308), fc.constant(-0));
const deepNesting = fc.integer({ min: 60, max: 3_000 }).map((depth) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown);
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(nastyString, fc.constantFrom(...PROTO_KEYS)), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A body built on the operation's own field names (so validation gets past "unknown field") with wrong or edge values. */
function bodyFor(op: Operation): fc.Arbitrary<unknown> {
  const fields = op.bodyFields.length ? op.bodyFields : ['x'];
  const shaped = fc.dictionary(fc.oneof(fc.constantFrom(...fields), fc.constantFrom(...PROTO_KEYS)), fc.oneof(json, deepNesting), {
    maxKeys: fields.length + 1,
  });
  return fc.oneof(shaped, json, deepNesting);
}

/**
 * Property-based fuzz of every operation in /openapi.json: generated bodies,
 * queries and path parameters (wrong types, huge and empty strings, deep
 * nesting, unicode edge cases, prototype keys, nulls). Never a 5xx or a hang;
 * every error in its route's documented envelope. Fixed seed, bounded runs.
 *
 * No stray database rows: every table is checksummed around each request. A
 * refused admin call changes nothing; a refused client call adds exactly its
 * one usage record (with the answer's error code and no cost) and the rollups
 * counting it, nothing else.
 */
describe('fuzz every operation of /openapi.json', () => {
  let t: TestApp;
  let apiKey: string;
  let operations: Operation[];
  let db: Client;
  let snapshot: () => Promise<DbSnapshot>;

  beforeAll(async () => {
    t = await startTestApp();
    const admin = { Authorization: `Bearer ${t.adminToken}` };
    const client = await request(t.url).post('/api/admin/clients').set(admin).send({ name: 'fuzz' }).expect(201);
    apiKey = (await request(t.url).post(`/api/admin/clients/${client.body.id}/keys`).set(admin).send({ name: 'k' }).expect(201)).body.key;
    db = new Client({ connectionString: t.db.url });
    await db.connect();
    const tables = await applicationTables(db);
    expect(tables).toEqual(expect.arrayContaining([...USAGE_TABLES, 'api_clients', 'api_keys', 'prompt_templates', 'providers', 'model_prices']));
    snapshot = await snapshotBuilder(db, tables);
    const doc = (await request(t.url).get('/openapi.json').expect(200)).body;
    operations = [];
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
        const op = item[method];
        if (!op) continue;
        // a live call to a provider's real endpoint is not this test's business
        if (path.endsWith('/test')) continue;
        const ref: string | undefined = op.requestBody?.content?.['application/json']?.schema?.$ref;
        const schema = ref ? doc.components.schemas[ref.split('/').pop()!] : op.requestBody?.content?.['application/json']?.schema;
        operations.push({ method, path, parameters: op.parameters ?? [], bodyFields: Object.keys(schema?.properties ?? {}) });
      }
    }
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  /** What a refused call left in the database: nothing, or (client routes) exactly its own usage record. */
  async function expectNoStrayRows(path: string, status: number, body: any, requestId: string | null, before: DbSnapshot, after: DbSnapshot): Promise<void> {
    const changed = changedTables(before, after);
    if (!CLIENT_ROUTE.test(path)) {
      expect({ path, status, changed }).toEqual({ path, status, changed: [] });
      return;
    }
    expect({ path, status, changed: changed.filter((table) => !USAGE_TABLES.includes(table)) }).toEqual({ path, status, changed: [] });
    const added = after.llm_generation_log.rows - before.llm_generation_log.rows;
    expect({ path, status, added }).toEqual({ path, status, added: GENERATION_ROUTE.test(path) ? 1 : 0 });
    if (added === 0) return;
    const { rows } = await db.query('SELECT status, error_code, cost_usd, input_tokens, output_tokens FROM llm_generation_log WHERE id = $1', [requestId]);
    expect(rows).toHaveLength(1);
    expect(REFUSED_STATUSES).toContain(rows[0].status);
    expect(rows[0]).toMatchObject({ error_code: body.error.code, input_tokens: 0, output_tokens: 0 });
    expect(new Decimal(rows[0].cost_usd).isZero()).toBe(true);
  }

  function expectEnvelope(path: string, status: number, body: any): void {
    if (path === '/v1/messages') {
      expect(body).toEqual(
        expect.objectContaining({ type: 'error', error: expect.objectContaining({ type: expect.any(String), message: expect.any(String) }) }),
      );
    } else if (path.startsWith('/v1/')) {
      expect(body.error).toEqual(expect.objectContaining({ type: expect.any(String), message: expect.any(String), code: expect.any(String) }));
    } else {
      expect(body).toEqual({ error: { code: expect.any(String), message: expect.any(String), details: expect.any(Array) }, request_id: expect.any(String) });
    }
    expect(JSON.stringify(body)).not.toMatch(/\n\s+at |node_modules/);
    expect(status).toBeLessThan(500);
  }

  it('never answers 5xx, never hangs, keeps every error in its envelope, and leaves no stray row', async () => {
    expect(operations.length).toBeGreaterThan(40);
    const statuses = new Map<number, number>();
    let refusedClientCalls = 0;
    let current = await snapshot();
    for (const op of operations) {
      const params = op.parameters.filter((p) => p.in === 'path');
      const queries = op.parameters.filter((p) => p.in === 'query').map((p) => p.name);
      await fc.assert(
        fc.asyncProperty(
          fc.array(nastyString, { minLength: params.length, maxLength: params.length }),
          fc.dictionary(
            fc.oneof(fc.constantFrom(...(queries.length ? queries : ['q'])), fc.constantFrom(...PROTO_KEYS)),
            nastyString.map((s) => s.slice(0, 2000)),
            { maxKeys: 3 },
          ),
          bodyFor(op),
          async (pathValues, query, body) => {
            let url = op.path;
            params.forEach((p, i) => (url = url.replace(`{${p.name}}`, encodeURIComponent(pathValues[i]) || '%20')));
            const qs = new URLSearchParams(Object.entries(query)).toString();
            const key = op.path.startsWith('/api/admin') ? t.adminToken : apiKey;
            const res = await fetch(`${t.url}${url}${qs ? `?${qs}` : ''}`, {
              method: op.method.toUpperCase(),
              headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
              body: op.method === 'get' ? undefined : JSON.stringify(body),
              signal: AbortSignal.timeout(20_000),
            });
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            const text = await res.text();
            const before = current;
            current = await snapshot();
            if (res.status >= 400) {
              let parsed: unknown;
              expect(() => (parsed = JSON.parse(text))).not.toThrow();
              expectEnvelope(op.path, res.status, parsed);
              await expectNoStrayRows(op.path, res.status, parsed, res.headers.get('x-request-id'), before, current);
              if (CLIENT_ROUTE.test(op.path)) refusedClientCalls++;
            }
          },
        ),
        { seed: 20261130, numRuns: RUNS, endOnFailure: true },
      );
    }
    // every operation was exercised: refusals, and some generated requests that got through
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(operations.length * RUNS);
    expect([...statuses.keys()].some((s) => s >= 200 && s < 300)).toBe(true);
    expect([...statuses.keys()].some((s) => s === 422)).toBe(true);
    expect(refusedClientCalls).toBeGreaterThan(100);
    // the rollups count every record, the refused ones included
    const { rows } = await db.query(
      `SELECT (SELECT count(*)::int FROM llm_generation_log) AS log,
              (SELECT sum(requests)::int FROM llm_hourly_costs) AS hourly,
              (SELECT sum(requests)::int FROM llm_daily_costs) AS daily,
              (SELECT sum(requests)::int FROM llm_monthly_costs) AS monthly`,
    );
    expect(rows[0]).toEqual({ log: rows[0].log, hourly: rows[0].log, daily: rows[0].log, monthly: rows[0].log });
  }, 300_000);
});
