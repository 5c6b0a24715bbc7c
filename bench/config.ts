/**
 * Benchmark settings: environment variables BENCH_*, or the same names as flags
 * (`--duration-s=5` sets BENCH_DURATION_S). Defaults keep a run under ~5 minutes;
 * `--quick` (BENCH_QUICK=1) shrinks every default to a smoke run of well under
 * two minutes (explicit settings still win).
 */

export const SCENARIOS = ['load', 'stream', 'stream-load', 'burst', 'ingest', 'report'] as const;
export type Scenario = (typeof SCENARIOS)[number];
/** The scenarios whose run a CPU profile can cover: those that drive LLMHub without pause. */
const PROFILED_SCENARIOS = ['load', 'stream-load'] as const;
export type ProfiledScenario = (typeof PROFILED_SCENARIOS)[number];

export type LimitsMode = 'in-memory' | 'redis';

export interface BenchConfig {
  /** server that gets the fresh bench database */
  databaseUrl: string;
  redisUrl?: string;
  /** LLMHub is started once per mode; load and stream run against each */
  limitsModes: LimitsMode[];
  quick: boolean;
  logLevel: string;
  scenarios: Scenario[];
  warmupS: number;
  /** the load scenario's simulator answers after this many ms, as a provider would (0: at once) */
  upstreamLatencyMs: number;
  /** per side (direct, proxy, LLMHub) and per connection count */
  durationS: number;
  /** the sides of each connection count take turns in this many slices of durationS / loadRounds */
  loadRounds: number;
  connections: number[];
  /** stream-load: `stream: true` calls without pause at each of these connection counts (durationS and loadRounds as the load scenario's) */
  streamLoadConnections: number[];
  /**
   * stream-load: each of these pauses of the simulator between a stream's events gets its own runs (0: the
   * whole answer in one write, as a short or cached answer leaves; 1: apart, as a provider generating tokens sends them)
   */
  streamLoadChunkDelaysMs: number[];
  /** burst: this many new connections at once, each calling without pause for burstS, the sides taking turns burstRounds times */
  burstConnections: number;
  burstS: number;
  burstRounds: number;
  /** sequential streams per side before the measured ones, not counted (the stream path's code is compiled by then, as in a gateway that has served a while) */
  streamWarmupRuns: number;
  streamRuns: number;
  streamGapRuns: number;
  ingestRecords: number;
  ingestConcurrency: number;
  seedRecords: number;
  reportRows: number;
  reportRuns: number;
  cpuProfile: boolean;
  /** which scenario's run the profile covers: `load` (default) or `stream-load` */
  profileScenario: ProfiledScenario;
  /** at which of its connection counts (default: that scenario's largest) */
  profileConnections: number;
  keepDatabase: boolean;
  /** LLMHub's USAGE_SYNCHRONOUS_COMMIT, and the same for the proxy that commits (default on: durable) */
  usageSynchronousCommit: 'on' | 'off';
  resultsDir: string;
  /** another gateway, started in front of the simulator and measured as one more side of load, stream-load and stream (none by default) */
  peer?: PeerConfig;
}

/**
 * Another gateway to set beside LLMHub (BENCH_PEER_*): a command that starts it, listening on `{port}` and sending
 * to the simulator at `{simulator}`, and how a call through it is made. The bench starts it, checks a call through it
 * answers, and measures it like the bare proxy, in the same interleaved slices.
 */
export interface PeerConfig {
  /** its label in the tables (BENCH_PEER_NAME, default `peer`) */
  name: string;
  /** BENCH_PEER_COMMAND, run by /bin/sh; `{port}` and `{simulator}` are replaced (also given as PEER_PORT and SIMULATOR_URL) */
  command: string;
  /** BENCH_PEER_HEADERS: a JSON object of header values (`{simulator}` replaced), beside content-type and the simulator's key */
  headers: Record<string, string>;
  /** BENCH_PEER_MODEL: the model as the call through it names it (default: the simulator's, as the direct call names it) */
  model?: string;
  /** BENCH_PEER_PATH: where it takes chat completions (default /v1/chat/completions) */
  path: string;
}

/** How the usage record (and the proxy's row) is committed in this run. */
export function commitKind(config: Pick<BenchConfig, 'usageSynchronousCommit'>): string {
  return config.usageSynchronousCommit === 'on' ? 'durable commit' : 'commit not waiting for its flush (USAGE_SYNCHRONOUS_COMMIT=off)';
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
  const quick = bool('BENCH_QUICK');
  const q = (full: number, smoke: number): number => (quick ? smoke : full);
  const redisUrl = all.REDIS_URL || undefined;
  const limitsModes = parseLimits(all.BENCH_LIMITS, redisUrl);
  const scenarios = (all.BENCH_SCENARIOS ?? SCENARIOS.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of scenarios) {
    if (!(SCENARIOS as readonly string[]).includes(s)) throw new Error(`BENCH_SCENARIOS: unknown "${s}" (known: ${SCENARIOS.join(', ')})`);
  }
  const profileScenario = all.BENCH_PROFILE_SCENARIO || 'load';
  if (!(PROFILED_SCENARIOS as readonly string[]).includes(profileScenario)) {
    throw new Error(`BENCH_PROFILE_SCENARIO: expected ${PROFILED_SCENARIOS.join(' or ')}, got "${profileScenario}"`);
  }
  const usageSynchronousCommit = all.BENCH_USAGE_SYNCHRONOUS_COMMIT ?? 'on';
  if (usageSynchronousCommit !== 'on' && usageSynchronousCommit !== 'off') {
    throw new Error(`BENCH_USAGE_SYNCHRONOUS_COMMIT: expected on or off, got "${usageSynchronousCommit}"`);
  }
  /** a comma-separated list of whole numbers from `min` to 1000 */
  const list = (name: string, fallback: string, min: number, what: string): number[] => {
    // an empty item ("0,,1", a trailing comma) is refused, not read as 0
    const values = (all[name] ?? fallback).split(',').map((c) => (c.trim() === '' ? NaN : Number(c)));
    if (values.some((c) => !Number.isInteger(c) || c < min || c > 1000)) throw new Error(`${name}: expected ${what} from ${min} to 1000, e.g. ${fallback}`);
    return values;
  };
  const counts = (name: string, fallback: string): number[] => list(name, fallback, 1, 'connection counts');
  const connections = counts('BENCH_CONNECTIONS', quick ? '1,50' : '1,10,50');
  const streamLoadConnections = counts('BENCH_STREAM_LOAD_CONNECTIONS', quick ? '10' : '10,50');
  return {
    databaseUrl: all.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: limitsModes.includes('redis') ? (redisUrl ?? DEFAULT_REDIS_URL) : undefined,
    limitsModes,
    quick,
    logLevel: all.LOG_LEVEL || 'info',
    scenarios: scenarios as Scenario[],
    warmupS: int('BENCH_WARMUP_S', q(5, 1)),
    upstreamLatencyMs: int('BENCH_UPSTREAM_LATENCY_MS', 0),
    durationS: int('BENCH_DURATION_S', q(10, 2), 1),
    loadRounds: int('BENCH_LOAD_ROUNDS', q(5, 1), 1),
    connections,
    streamLoadConnections,
    streamLoadChunkDelaysMs: list('BENCH_STREAM_LOAD_CHUNK_DELAY_MS', '0,1', 0, 'pauses in ms'),
    burstConnections: int('BENCH_BURST_CONNECTIONS', q(500, 100), 1),
    burstS: int('BENCH_BURST_S', q(3, 1), 1),
    burstRounds: int('BENCH_BURST_ROUNDS', q(3, 1), 1),
    streamWarmupRuns: int('BENCH_STREAM_WARMUP_RUNS', q(1000, 10)),
    streamRuns: int('BENCH_STREAM_RUNS', q(200, 30), 1),
    streamGapRuns: int('BENCH_STREAM_GAP_RUNS', q(10, 2), 1),
    ingestRecords: int('BENCH_INGEST_RECORDS', q(100_000, 10_000), 1),
    ingestConcurrency: int('BENCH_INGEST_CONCURRENCY', q(5_000, 1_000), 1),
    seedRecords: int('BENCH_SEED_RECORDS', q(200_000, 10_000), 0),
    reportRows: int('BENCH_REPORT_ROWS', q(1_000_000, 20_000), 1),
    reportRuns: int('BENCH_REPORT_RUNS', q(20, 5), 1),
    cpuProfile: bool('BENCH_CPU_PROF'),
    profileScenario: profileScenario as ProfiledScenario,
    profileConnections: int('BENCH_PROFILE_CONNECTIONS', Math.max(...(profileScenario === 'load' ? connections : streamLoadConnections)), 1),
    keepDatabase: bool('BENCH_KEEP_DB'),
    usageSynchronousCommit,
    resultsDir,
    ...peerConfig(all),
  };
}

function peerConfig(all: Record<string, string | undefined>): { peer?: PeerConfig } {
  const command = all.BENCH_PEER_COMMAND?.trim();
  const given = ['BENCH_PEER_NAME', 'BENCH_PEER_HEADERS', 'BENCH_PEER_MODEL', 'BENCH_PEER_PATH'].filter((name) => all[name] !== undefined);
  if (!command) {
    if (given.length > 0) throw new Error(`${given.join(', ')}: set BENCH_PEER_COMMAND too (the command that starts the other gateway)`);
    return {};
  }
  const name = all.BENCH_PEER_NAME?.trim() || 'peer';
  if (!/^[\w.+-]{1,12}$/.test(name)) throw new Error(`BENCH_PEER_NAME: 1 to 12 letters, digits, '.', '+', '-' or '_', got "${name}"`);
  const path = all.BENCH_PEER_PATH?.trim() || '/v1/chat/completions';
  if (!path.startsWith('/')) throw new Error(`BENCH_PEER_PATH: a path starting with /, got "${path}"`);
  const model = all.BENCH_PEER_MODEL?.trim() || undefined;
  return { peer: { name, command, headers: peerHeaders(all.BENCH_PEER_HEADERS), path, ...(model ? { model } : {}) } };
}

function peerHeaders(raw: string | undefined): Record<string, string> {
  if (raw === undefined || raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`BENCH_PEER_HEADERS: not JSON, expected an object such as {"x-provider":"openai"}, got "${raw}"`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error('BENCH_PEER_HEADERS: expected a JSON object of header names and values');
  for (const [header, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') throw new Error(`BENCH_PEER_HEADERS: the value of "${header}" is not a string`);
  }
  return parsed as Record<string, string>;
}

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * BENCH_LIMITS: `in-memory`, `redis` or `both` (one LLMHub per mode, same run).
 * Default: redis when REDIS_URL is set, else in-memory. `redis` and `both`
 * without REDIS_URL use the local default server.
 */
function parseLimits(raw: string | undefined, redisUrl: string | undefined): LimitsMode[] {
  const value = (raw ?? '').trim().toLowerCase();
  if (value === '') return [redisUrl ? 'redis' : 'in-memory'];
  if (value === 'both') return ['in-memory', 'redis'];
  if (value === 'in-memory' || value === 'memory') return ['in-memory'];
  if (value === 'redis') return ['redis'];
  throw new Error(`BENCH_LIMITS: expected in-memory, redis or both, got "${raw}"`);
}
