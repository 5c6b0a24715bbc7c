import { DataSource } from 'typeorm';
import { dataSourceOptions, revertAllMigrations, runMigrations } from '@src/database/data-source';
import { MIGRATIONS } from '@src/database/migrations';
import { adminQuery, withDatabase } from '@test/support/db';

const TABLES = [
  'api_clients',
  'api_keys',
  'providers',
  'model_prices',
  'prompt_templates',
  'prompt_versions',
  'llm_generation_log',
  'llm_hourly_costs',
  'llm_daily_costs',
  'llm_monthly_costs',
];

async function tablesOf(ds: DataSource): Promise<string[]> {
  const rows: { table_name: string }[] = await ds.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`);
  return rows.map((r) => r.table_name);
}

describe('migrations on an empty database', () => {
  let ds: DataSource;
  let name: string;
  const serverUrl = process.env.LLMHUB_TEST_TEMPLATE_URL!;

  beforeAll(async () => {
    name = `llmhub_migrations_${Date.now()}`;
    await adminQuery(serverUrl, `CREATE DATABASE "${name}"`);
    ds = await new DataSource(dataSourceOptions(withDatabase(serverUrl, name), 2)).initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });

  it('runs every migration up, creating the whole schema', async () => {
    const applied = await runMigrations(ds);
    expect(applied).toHaveLength(MIGRATIONS.length);
    expect(await tablesOf(ds)).toEqual(expect.arrayContaining(TABLES));
    expect(await ds.showMigrations()).toBe(false);
  });

  it('stores money in numeric columns', async () => {
    const rows: { table_name: string; column_name: string; data_type: string }[] = await ds.query(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
       WHERE table_schema = 'public' AND (column_name LIKE '%usd%' OR column_name LIKE '%per_m')`,
    );
    expect(rows.length).toBeGreaterThan(5);
    for (const row of rows) expect(`${row.table_name}.${row.column_name}:${row.data_type}`).toMatch(/:numeric$/);
  });

  it('gives console prices a nullable, non-negative 1-hour cache-write rate', async () => {
    const [column] = await ds.query(
      `SELECT data_type, numeric_precision, numeric_scale, is_nullable FROM information_schema.columns
       WHERE table_name = 'model_prices' AND column_name = 'cache_write_1h_per_m'`,
    );
    expect(column).toEqual({ data_type: 'numeric', numeric_precision: 18, numeric_scale: 6, is_nullable: 'YES' });
    await expect(
      ds.query(`INSERT INTO model_prices (model, input_per_m, output_per_m, cache_write_1h_per_m) VALUES ('anthropic/x', 1, 1, -1)`),
    ).rejects.toThrow(/check constraint/);
  });

  it('gives each call record one b-tree keyed by its request id: the primary key, which also serves a look-up by id alone', async () => {
    const indexes: { indexdef: string }[] = await ds.query(`SELECT indexdef FROM pg_indexes WHERE tablename = 'llm_generation_log'`);
    expect(indexes.filter((i) => /\(id\b/.test(i.indexdef)).map((i) => i.indexdef)).toEqual([expect.stringContaining('llm_generation_log_pkey')]);
    const plan: { 'QUERY PLAN': string }[] = await ds.transaction(async (tx) => {
      // an empty table: without this the planner would rightly prefer reading it whole
      await tx.query(`SET LOCAL enable_seqscan = off`);
      return tx.query(`EXPLAIN SELECT * FROM llm_generation_log WHERE id = '5fc7782f-d0ea-4682-ae32-be5efbe2b13f'`);
    });
    expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toContain('llm_generation_log_pkey');
  });

  it('is idempotent: running again applies nothing', async () => {
    expect(await runMigrations(ds)).toEqual([]);
  });

  it('runs every migration down to an empty schema, then up again', async () => {
    expect(await revertAllMigrations(ds)).toBe(MIGRATIONS.length);
    const left = await tablesOf(ds);
    expect(left.filter((t) => t !== 'llmhub_migrations')).toEqual([]);
    expect(await runMigrations(ds)).toHaveLength(MIGRATIONS.length);
  });
});
