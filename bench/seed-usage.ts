/**
 * Synthetic traffic for demos and the benchmark:
 *   npm run seed:usage -- [--rows N] [--days D] [--clients C]   (node dist/bench/seed-usage.js; --help)
 * Fills llm_generation_log (through the recorder's own insert), then folds the rows
 * into the cost rollups as a running LLMHub would within a second, with several
 * clients, providers, models and statuses. It writes to DATABASE_URL or, without it, to
 * the embedded database under DATA_DIR, as the server and the CLI do.
 * It lives with the bench, not in src/billing, because it writes through billing's
 * UsageRepository directly (the insert the ingest bench measures), which only billing
 * itself may do inside src/ (test/unit/architecture).
 */
import Decimal from 'decimal.js';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { parseEnv } from '../src/config/env.schema';
import { assertDatabaseReachable } from '../src/database/database-preflight';
import { dataSourceOptions, runMigrations } from '../src/database/data-source';
import { assertEmbeddedPortFree, assertReachableByServerUser, EmbeddedDatabase } from '../src/database/embedded-database';
import type { GenerationStatus } from '../src/billing/generation-log.entity';
import type { UsageRecord } from '../src/billing/usage-record';
import { UsageRepository } from '../src/billing/usage.repository';
import { RollupFoldRepository } from '../src/billing/rollup-fold.repository';
import { RollupFoldService } from '../src/billing/rollup-fold.service';
import { TimescaleJobsRepository } from '../src/billing/timescale-jobs.repository';

const MODELS = [
  { provider: 'openai', model: 'gpt-4o-mini', inPerM: '0.15', outPerM: '0.6' },
  { provider: 'openai', model: 'gpt-4o', inPerM: '2.5', outPerM: '10' },
  { provider: 'anthropic', model: 'claude-sonnet-4-5', inPerM: '3', outPerM: '15' },
  { provider: 'anthropic', model: 'claude-haiku-4-5', inPerM: '1', outPerM: '5' },
  { provider: 'groq', model: 'llama-3.3-70b-versatile', inPerM: '0.59', outPerM: '0.79' },
];
const STATUSES: [GenerationStatus, number][] = [
  ['success', 0.93],
  ['error', 0.03],
  ['rate_limited', 0.02],
  ['budget_exceeded', 0.01],
  ['cancelled', 0.01],
];
const BATCH = 5_000;

export interface SeedOptions {
  rows: number;
  days: number;
  clients: number;
}

export const SEED_USAGE = [
  'Usage: npm run seed:usage -- [--rows N] [--days D] [--clients C]',
  '',
  'Adds C new clients (seed-client-…; 5 by default) and N synthetic call records (100000) spread over the',
  'last D days (30) to the database LLMHub uses: DATABASE_URL, or the embedded one under DATA_DIR.',
  'For demos and the benchmark: they show in the console, the reports and the budgets like real calls.',
].join('\n');

/** A command line seed:usage does not take: exits 2 with the usage, before any database is opened. */
export class SeedArgumentError extends Error {}

/**
 * The options, or 'help'. Anything else is refused: `--help` and misspelt options used to be
 * ignored, and the default 100,000 records written into the operator's database.
 */
export function parseSeedArgs(argv: readonly string[]): SeedOptions | 'help' {
  if (argv.includes('--help') || argv.includes('-h')) return 'help';
  const opts: SeedOptions = { rows: 100_000, days: 30, clients: 5 };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : '';
    if (name !== 'rows' && name !== 'days' && name !== 'clients') throw new SeedArgumentError(`Unknown argument "${argv[i]}"`);
    const raw = argv[i + 1];
    const n = Number(raw);
    if (raw === undefined || !/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1) {
      throw new SeedArgumentError(`--${name}: expected a positive whole number, got ${raw === undefined ? 'nothing' : `"${raw}"`}`);
    }
    opts[name] = n;
  }
  return opts;
}

/** Deterministic for a seed, so benchmark runs are comparable. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function syntheticRecord(random: () => number, clientIds: readonly string[], now: number, days: number): UsageRecord {
  const m = MODELS[Math.floor(random() * MODELS.length)];
  let pick = random();
  const status = (STATUSES.find(([, p]) => (pick -= p) < 0) ?? STATUSES[0])[0];
  const reached = status === 'success' || status === 'error' || status === 'cancelled';
  const inputTokens = reached ? 20 + Math.floor(random() * 4_000) : 0;
  const outputTokens = status === 'success' ? 1 + Math.floor(random() * 1_000) : 0;
  const cost = new Decimal(inputTokens).mul(m.inPerM).plus(new Decimal(outputTokens).mul(m.outPerM)).div(1_000_000);
  return {
    id: randomUUID(),
    createdAt: new Date(now - Math.floor(random() * days * 86_400_000)),
    clientId: clientIds[Math.floor(random() * clientIds.length)],
    apiKeyId: null,
    endpoint: random() < 0.6 ? '/v1/chat/completions' : '/api/v1/llm/generate',
    provider: m.provider,
    model: m.model,
    requestedModel: null,
    templateId: null,
    templateName: null,
    templateVersion: null,
    inputTokens,
    outputTokens,
    cachedInputTokens: 0,
    costUsd: reached ? cost.toFixed() : '0',
    priceUnknown: false,
    // a refusal is recorded with no time, as the gateway records it
    latencyMs: reached ? 150 + Math.floor(random() * 3_000) : 0,
    ttftMs: null,
    status,
    errorCode: status === 'success' ? null : status === 'error' ? 'upstream_error' : status,
    errorMessage: null,
    attempts: 1,
    isStream: random() < 0.3,
    metadata: null,
  };
}

export async function seedUsage(dataSource: DataSource, opts: SeedOptions, log: (msg: string) => void = () => undefined): Promise<number> {
  const clientIds: string[] = [];
  for (let i = 0; i < opts.clients; i++) {
    const [row]: { id: string }[] = await dataSource.query(
      `INSERT INTO api_clients (name, description, monthly_budget_usd) VALUES ($1, 'synthetic traffic', $2) RETURNING id`,
      [`seed-client-${i + 1}-${randomUUID().slice(0, 8)}`, String(100 * (i + 1))],
    );
    clientIds.push(row.id);
  }
  const repository = new UsageRepository(dataSource, { usageSynchronousCommit: true });
  const random = mulberry32(opts.rows ^ (opts.days << 8) ^ opts.clients);
  const now = Date.now();
  let written = 0;
  while (written < opts.rows) {
    const n = Math.min(BATCH, opts.rows - written);
    const batch = Array.from({ length: n }, () => syntheticRecord(random, clientIds, now, opts.days));
    written += await repository.insertBatch(batch);
    if (written % 100_000 < BATCH) log(`${written} / ${opts.rows}`);
  }
  return written;
}

/**
 * Folds every row written so far into the stored cost rollups (plain PostgreSQL;
 * TimescaleDB refreshes its own), waiting while a running LLMHub holds the fold.
 * Reads are exact either way; folded, they no longer aggregate the seeded rows.
 */
export async function foldSeeded(dataSource: DataSource): Promise<void> {
  const catalog = new TimescaleJobsRepository(dataSource);
  if (await catalog.hasTimescale()) return;
  await new RollupFoldService(new RollupFoldRepository(dataSource), catalog).foldUntilCaughtUp(120_000);
}

/** DATABASE_URL, or the embedded database of DATA_DIR (shared with a running LLMHub, or started and stopped here). */
async function openDatabase(): Promise<{ url: string; close: () => Promise<void> }> {
  const env = parseEnv(process.env);
  if (env.databaseUrl) {
    await assertDatabaseReachable(env.databaseUrl, { onWait: (m) => console.error(m) });
    return { url: env.databaseUrl, close: () => Promise.resolve() };
  }
  await assertReachableByServerUser(env.dataDir);
  await assertEmbeddedPortFree(env.dataDir, env.embeddedDbPort);
  const embedded = await EmbeddedDatabase.start({ dataDir: env.dataDir, port: env.embeddedDbPort });
  return { url: embedded.url, close: () => embedded.stop() };
}

async function main(): Promise<void> {
  let opts: SeedOptions | 'help';
  try {
    opts = parseSeedArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof SeedArgumentError)) throw error;
    console.error(`${error.message}\n\n${SEED_USAGE}`);
    process.exit(2);
  }
  if (opts === 'help') {
    console.log(SEED_USAGE);
    return;
  }
  const database = await openDatabase();
  const dataSource = await new DataSource(dataSourceOptions(database.url, 2)).initialize().catch(async (error: unknown) => {
    await database.close();
    throw error;
  });
  try {
    await runMigrations(dataSource);
    const started = Date.now();
    const written = await seedUsage(dataSource, opts, (m) => console.log(m));
    await foldSeeded(dataSource);
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `seeded ${written} records over ${opts.days} days for ${opts.clients} clients in ${seconds.toFixed(1)} s (${Math.round(written / seconds)} records/s)`,
    );
  } finally {
    await dataSource.destroy();
    await database.close();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
