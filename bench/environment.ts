/** The bench's processes: database, simulator, bare proxy, and LLMHub itself. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { commitKind, type BenchConfig, type LimitsMode } from './config';
import { createBenchDatabase, type BenchDatabase } from './database';
import type { Peer } from './peer';
import { freePort, spawnChild, waitForHttp, type Child } from './processes';

export const DIST = path.resolve(__dirname, '..');
export const SIM_KEY = 'sk-bench';
/** LLMHub is started as in production: `npm start`, `npm run start:prod` and the Dockerfile pass the same flag. */
export const HEAP_LIMIT_FLAG = '--max-old-space-size=1536';

/** The simulator and the bare proxy: shared by every limits mode. */
export interface Upstream {
  db: BenchDatabase;
  sim: Child;
  proxy: Child;
  /** the bare proxy that commits a row per call before answering (the floor of a durable gateway) */
  commitProxy: Child;
  simUrl: string;
  proxyUrl: string;
  commitProxyUrl: string;
  /** another gateway in front of the simulator, when one is set beside LLMHub (BENCH_PEER_COMMAND) */
  peer?: Peer;
}

/** One LLMHub process and its bench client. */
export interface Hub {
  mode: LimitsMode;
  app: Child;
  appUrl: string;
  adminToken: string;
  apiKey: string;
  profileFile: string;
}

export function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

export async function json<T>(url: string, init: RequestInit & { token: string }): Promise<T> {
  const res = await fetch(url, {
    ...init,
    headers: { authorization: `Bearer ${init.token}`, 'content-type': 'application/json' },
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url} → ${res.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

/** `onDatabase` is told the fresh database at once, so an interrupted run can still drop it. */
export async function startUpstream(config: BenchConfig, onDatabase: (db: BenchDatabase) => void): Promise<Upstream> {
  const db = await createBenchDatabase(config.databaseUrl);
  onDatabase(db);
  log(`database ${db.name} created`);
  const [simPort, proxyPort, commitProxyPort] = [await freePort(), await freePort(), await freePort()];
  const simUrl = `http://127.0.0.1:${simPort}`;
  const proxyUrl = `http://127.0.0.1:${proxyPort}`;
  const commitProxyUrl = `http://127.0.0.1:${commitProxyPort}`;
  const sim = spawnChild(
    'simulator',
    [path.join(DIST, 'test/support/provider-simulator/main.js')],
    { PATH: process.env.PATH, SIMULATOR_PORT: String(simPort), NODE_ENV: 'production' },
    path.join(config.resultsDir, 'simulator.log'),
  );
  await waitForHttp(`${simUrl}/v1/models`, sim, { authorization: `Bearer ${SIM_KEY}` });
  const proxy = spawnChild(
    'bare-proxy',
    [path.join(DIST, 'bench/bare-proxy.js')],
    { PATH: process.env.PATH, NODE_ENV: 'production', BENCH_PROXY_PORT: String(proxyPort), BENCH_PROXY_UPSTREAM: simUrl },
    path.join(config.resultsDir, 'bare-proxy.log'),
  );
  await waitForHttp(`${proxyUrl}/v1/models`, proxy, { authorization: `Bearer ${SIM_KEY}` });
  const commitProxy = spawnChild(
    'bare-proxy-commit',
    [path.join(DIST, 'bench/bare-proxy.js')],
    {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      BENCH_PROXY_PORT: String(commitProxyPort),
      BENCH_PROXY_UPSTREAM: simUrl,
      BENCH_PROXY_COMMIT_DB: db.url,
      BENCH_PROXY_SYNCHRONOUS_COMMIT: config.usageSynchronousCommit,
    },
    path.join(config.resultsDir, 'bare-proxy-commit.log'),
  );
  await waitForHttp(`${commitProxyUrl}/v1/models`, commitProxy, { authorization: `Bearer ${SIM_KEY}` });
  log(`simulator on ${simUrl}, bare proxy on ${proxyUrl}, bare proxy with a ${commitKind(config)} per call on ${commitProxyUrl}`);
  return { db, sim, proxy, commitProxy, simUrl, proxyUrl, commitProxyUrl };
}

/**
 * Starts the built app of `dist` (default: this build) on `databaseUrl` (default: the run's database), with `nodeArgs` added to
 * node's command line and `extraEnv` to its environment, and creates its bench client and key.
 */
export async function startHub(
  config: BenchConfig,
  up: Upstream,
  mode: LimitsMode,
  dist = DIST,
  label: string = mode,
  databaseUrl = up.db.url,
  nodeArgs: readonly string[] = [],
  extraEnv: Readonly<Record<string, string>> = {},
): Promise<Hub> {
  const appPort = await freePort();
  const appUrl = `http://127.0.0.1:${appPort}`;
  const adminToken = `bench-${randomBytes(16).toString('hex')}`;
  const profileFile = path.join(config.resultsDir, `llmhub-${config.profileScenario}-${label}.cpuprofile`);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'llmhub-bench-data-'));
  const appEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(appPort),
    DATABASE_URL: databaseUrl,
    ADMIN_TOKEN: adminToken,
    LOG_LEVEL: config.logLevel,
    USAGE_SYNCHRONOUS_COMMIT: config.usageSynchronousCommit,
    DATA_DIR: dataDir,
    MOCK_PROVIDER: 'off',
    OPENAI_BASE_URL: `${up.simUrl}/v1`,
    ANTHROPIC_BASE_URL: up.simUrl,
    GROQ_BASE_URL: up.simUrl,
    OPENAI_API_KEY: SIM_KEY,
    ANTHROPIC_API_KEY: SIM_KEY,
    GROQ_API_KEY: SIM_KEY,
    ...(mode === 'redis' && config.redisUrl ? { REDIS_URL: config.redisUrl } : {}),
    ...(config.cpuProfile ? { BENCH_PROFILE_FILE: profileFile } : {}),
    ...extraEnv,
  };
  // the heap limit of the start scripts and the Dockerfile (docs/OPERATIONS.md, "Memory")
  const args = [
    HEAP_LIMIT_FLAG,
    ...nodeArgs,
    ...(config.cpuProfile ? ['-r', path.join(DIST, 'bench/profile-preload.js')] : []),
    path.join(dist, 'src/main.js'),
  ];
  const app = spawnChild('llmhub', args, appEnv, path.join(config.resultsDir, `llmhub-${label}.log`));
  void app.exited.then(() => rmSync(dataDir, { recursive: true, force: true }));
  await waitForHttp(`${appUrl}/health/ready`, app, {}, 120_000);
  log(`LLMHub (limits ${mode}) on ${appUrl} (pid ${app.pid})`);

  const client = await json<{ id: string }>(`${appUrl}/api/admin/clients`, {
    method: 'POST',
    token: adminToken,
    // generous but real limits, so auth, rate limits and the budget check all run
    body: JSON.stringify({ name: `bench-${label}`, rate_limit_rpm: 10_000_000, rate_limit_tpm: 2_000_000_000, monthly_budget_usd: '1000000' }),
  });
  const key = await json<{ key: string }>(`${appUrl}/api/admin/clients/${client.id}/keys`, {
    method: 'POST',
    token: adminToken,
    body: JSON.stringify({ name: 'bench' }),
  });
  return { mode, app, appUrl, adminToken, apiKey: key.key, profileFile };
}
