import type { Client } from 'pg';

/**
 * Columns the server writes in the background, whatever the request: they are
 * left out of the checksums (api_keys.last_used_at is flushed in batches).
 */
const BACKGROUND_COLUMNS: Record<string, string[]> = { api_keys: ['last_used_at'] };

/** Per table: its row count and a checksum of every row (background columns left out). */
export type DbSnapshot = Record<string, { rows: number; checksum: string }>;

/**
 * On plain PostgreSQL the cost rollups are views; their stored part and its
 * watermark are rewritten by the fold every second, whatever the request, while
 * what the views show stays the same. The views are checksummed instead.
 */
const FOLD_STORAGE = /^llm_\w+_costs_folded$|^llm_rollup_fold$/;

/** The application's tables and views (the migrations bookkeeping and the fold's storage left out). */
export async function applicationTables(db: Client): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type IN ('BASE TABLE', 'VIEW') AND table_name <> 'migrations' ORDER BY 1`,
  );
  return rows.map((r) => r.name).filter((name) => !FOLD_STORAGE.test(name));
}

/** One statement for every table, so the snapshot is consistent and cheap enough to take around each request. */
export async function snapshotBuilder(db: Client, tables: string[]): Promise<() => Promise<DbSnapshot>> {
  const parts: string[] = [];
  for (const table of tables) {
    const { rows } = await db.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
      [table],
    );
    const skip = new Set(BACKGROUND_COLUMNS[table] ?? []);
    const row = `ROW(${rows
      .map((r) => r.column_name)
      .filter((c) => !skip.has(c))
      .map((c) => `t."${c}"`)
      .join(', ')})::text`;
    parts.push(`SELECT '${table}' AS name, count(*)::int AS rows, coalesce(md5(string_agg(${row}, ',' ORDER BY ${row})), '') AS checksum FROM "${table}" t`);
  }
  const sql = parts.join(' UNION ALL ');
  return async () => {
    const { rows } = await db.query<{ name: string; rows: number; checksum: string }>(sql);
    return Object.fromEntries(rows.map((r) => [r.name, { rows: r.rows, checksum: r.checksum }]));
  };
}

/** The tables whose rows differ between two snapshots. */
export function changedTables(before: DbSnapshot, after: DbSnapshot): string[] {
  return Object.keys(after).filter((t) => before[t]?.rows !== after[t].rows || before[t]?.checksum !== after[t].checksum);
}
