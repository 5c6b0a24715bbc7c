/**
 * Benchmark settings: environment variables BENCH_*, or the same names as flags
 * (`--duration-s=5` sets BENCH_DURATION_S). Defaults keep a run under ~5 minutes.
 */

export const SCENARIOS = ['load', 'stream', 'ingest', 'report'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface BenchConfig {
  /** server that gets the fresh bench database */
  databaseUrl: string;
  redisUrl?: string;
  logLevel: string;
  scenarios: Scenario[];
  warmupS: number;
  /** per side (direct and LLMHub) and per connection count */
  durationS: number;
  connections: number[];
  streamRuns: number;
  streamGapRuns: number;
  ingestRecords: number;
  ingestConcurrency: number;
  seedRecords: number;
  reportRows: number;
  reportRuns: number;
  cpuProfile: boolean;
  /** which load run the profile covers (default: the largest connection count) */
  profileConnections: number;
  keepDatabase: boolean;
  resultsDir: string;
}

function flagsToEnv(argv: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const arg of argv) {
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/i.exec(arg);
    if (!m) throw new Error(`unknown argument "${arg}" (use --name=value, e.g. --duration-s=5)`);
    out[`BENCH_${m[1].replace(/-/g, '_').toUpperCase()}`] = m[2] ?? '1';
  }
  return out;
}

export function loadConfig(env: NodeJS.ProcessEnv, argv: readonly string[], resultsDir: string): BenchConfig {
  const all: Record<string, string | undefined> = { ...env, ...flagsToEnv(argv) };
  const int = (name: string, fallback: number, min = 0): number => {
    const raw = all[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`${name}: expected an integer ≥ ${min}, got "${raw}"`);
    return n;
  };
  const bool = (name: string): boolean => ['1', 'true', 'yes'].includes((all[name] ?? '').toLowerCase());
  const scenarios = (all.BENCH_SCENARIOS ?? SCENARIOS.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of scenarios) {
    if (!(SCENARIOS as readonly string[]).includes(s)) throw new Error(`BENCH_SCENARIOS: unknown "${s}" (known: ${SCENARIOS.join(', ')})`);
  }
  const connections = (all.BENCH_CONNECTIONS ?? '1,10,50').split(',').map((c) => Number(c.trim()));
  if (connections.some((c) => !Number.isInteger(c) || c < 1 || c > 1000)) throw new Error('BENCH_CONNECTIONS: expected e.g. 1,10,50');
  return {
    databaseUrl: all.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: all.REDIS_URL || undefined,
    logLevel: all.LOG_LEVEL || 'info',
    scenarios: scenarios as Scenario[],
    warmupS: int('BENCH_WARMUP_S', 5),
    durationS: int('BENCH_DURATION_S', 10, 1),
    connections,
    streamRuns: int('BENCH_STREAM_RUNS', 200, 1),
    streamGapRuns: int('BENCH_STREAM_GAP_RUNS', 10, 1),
    ingestRecords: int('BENCH_INGEST_RECORDS', 100_000, 1),
    ingestConcurrency: int('BENCH_INGEST_CONCURRENCY', 5_000, 1),
    seedRecords: int('BENCH_SEED_RECORDS', 200_000, 0),
    reportRows: int('BENCH_REPORT_ROWS', 1_000_000, 1),
    reportRuns: int('BENCH_REPORT_RUNS', 20, 1),
    cpuProfile: bool('BENCH_CPU_PROF'),
    profileConnections: int('BENCH_PROFILE_CONNECTIONS', Math.max(...connections), 1),
    keepDatabase: bool('BENCH_KEEP_DB'),
    resultsDir,
  };
}
