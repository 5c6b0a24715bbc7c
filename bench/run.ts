/**
 * `npm run bench`: measures the performance targets (docs/PERFORMANCE.md) against the local provider simulator.
 * Starts the simulator and the BUILT app (dist/src/main.js) as child processes
 * on 127.0.0.1 with a fresh database, runs each scenario side by side with a
 * direct call to the simulator, prints a table and writes bench/results/latest.json.
 * Settings: see config.ts and bench/README.md.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { runWorker } from './child-protocol';
import { loadConfig, type BenchConfig } from './config';
import { createBenchDatabase, type BenchDatabase } from './database';
import type { IngestResult } from './ingest';
import { chatTarget, runLoad, type LoadResult, type Target } from './load';
import { measureCommitLatency } from './commit-probe';
import { cpuTimeMs, freePort, killAllNow, rssMb, sampleRss, spawnChild, stopAll, stopChild, tail, waitForHttp, type Child } from './processes';
import { summarizeProfile, type ProfileSummary } from './profile-summary';
import { renderTable, verdict, type Check } from './report';
import type { ReportSeedResult } from './report-query';
import { reportWindow } from './report-query';
import { round, summarize, type Percentiles } from './stats';
import { runStreaming, type StreamResult } from './stream-ttfb';

const DIST = path.resolve(__dirname, '..');
const REPO = path.resolve(DIST, '..');
const MODEL_HUB = 'openai/gpt-4o-mini';
const MODEL_DIRECT = 'gpt-4o-mini';
const SIM_KEY = 'sk-bench';

interface Env {
  config: BenchConfig;
  db: BenchDatabase;
  sim: Child;
  app: Child;
  simUrl: string;
  appUrl: string;
  adminToken: string;
  apiKey: string;
  profileFile: string;
}

interface Results {
  startedAt: string;
  machine: { node: string; cpus: number; cpuModel: string };
  settings: Record<string, unknown>;
  limitsMode: 'redis' | 'in-memory';
  gatewayCheck: { ok: boolean; detail: string };
  load: { warmup?: { direct: LoadResult; llmhub: LoadResult }; runs: { connections: number; direct: LoadResult; llmhub: LoadResult; overheadMs: { p50: number; p90: number; p99: number }; llmhubMaxRssMb: number; llmhubCpuMsPerRequest: number; llmhubCpuCores: number }[] } | null;
  /** one durable single-row commit on the bench database: a floor under the 1-connection overhead */
  commitMs: Percentiles | null;
  stream: StreamResult | null;
  ingest: IngestResult | null;
  report: (ReportSeedResult & { httpMs: Percentiles }) | null;
  memory: { maxRssMbAtPeakLoad: number | null; maxRssMbOverall: number; rssMbAtEnd: number };
  profile: (ProfileSummary & { file: string }) | null;
  errors: string[];
  checks: (Check & { result: string })[];
}

function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

async function json<T>(url: string, init: RequestInit & { token: string }): Promise<T> {
  const res = await fetch(url, {
    ...init,
    headers: { authorization: `Bearer ${init.token}`, 'content-type': 'application/json' },
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url} → ${res.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

async function startEnvironment(config: BenchConfig): Promise<Env> {
  const db = await createBenchDatabase(config.databaseUrl);
  if (!config.keepDatabase) pendingDrop = db;
  log(`database ${db.name} created`);
  const env = { db } as Env;
  try {
    const [simPort, appPort] = [await freePort(), await freePort()];
    env.simUrl = `http://127.0.0.1:${simPort}`;
    env.appUrl = `http://127.0.0.1:${appPort}`;
    env.sim = spawnChild(
      'simulator',
      [path.join(DIST, 'test/support/provider-simulator/main.js')],
      { PATH: process.env.PATH, SIMULATOR_PORT: String(simPort), NODE_ENV: 'production' },
      path.join(config.resultsDir, 'simulator.log'),
    );
    await waitForHttp(`${env.simUrl}/v1/models`, env.sim, { authorization: `Bearer ${SIM_KEY}` });

    env.adminToken = `bench-${randomBytes(16).toString('hex')}`;
    env.profileFile = path.join(config.resultsDir, 'llmhub-load.cpuprofile');
    const dataDir = mkdtempSync(path.join(tmpdir(), 'llmhub-bench-data-'));
    const appEnv: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(appPort),
      DATABASE_URL: db.url,
      ADMIN_TOKEN: env.adminToken,
      LOG_LEVEL: config.logLevel,
      DATA_DIR: dataDir,
      MOCK_PROVIDER: 'off',
      OPENAI_BASE_URL: `${env.simUrl}/v1`,
      ANTHROPIC_BASE_URL: env.simUrl,
      GROQ_BASE_URL: env.simUrl,
      OPENAI_API_KEY: SIM_KEY,
      ANTHROPIC_API_KEY: SIM_KEY,
      GROQ_API_KEY: SIM_KEY,
      ...(config.redisUrl ? { REDIS_URL: config.redisUrl } : {}),
      ...(config.cpuProfile ? { BENCH_PROFILE_FILE: env.profileFile } : {}),
    };
    const args = [...(config.cpuProfile ? ['-r', path.join(DIST, 'bench/profile-preload.js')] : []), path.join(DIST, 'src/main.js')];
    env.app = spawnChild('llmhub', args, appEnv, path.join(config.resultsDir, 'llmhub.log'));
    void env.app.exited.then(() => rmSync(dataDir, { recursive: true, force: true }));
    await waitForHttp(`${env.appUrl}/health/ready`, env.app, {}, 120_000);
    log(`simulator on ${env.simUrl}, LLMHub on ${env.appUrl} (pid ${env.app.pid})`);

    const client = await json<{ id: string }>(`${env.appUrl}/api/admin/clients`, {
      method: 'POST',
      token: env.adminToken,
      // generous but real limits, so auth, rate limits and the budget check all run
      body: JSON.stringify({ name: 'bench', rate_limit_rpm: 10_000_000, rate_limit_tpm: 2_000_000_000, monthly_budget_usd: '1000000' }),
    });
    const key = await json<{ key: string }>(`${env.appUrl}/api/admin/clients/${client.id}/keys`, {
      method: 'POST',
      token: env.adminToken,
      body: JSON.stringify({ name: 'bench' }),
    });
    env.apiKey = key.key;
    env.config = config;
    return env;
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** One real request through LLMHub before measuring anything that needs the gateway. */
async function checkGateway(e: Env, hub: Target): Promise<{ ok: boolean; detail: string }> {
  try {
    const res = await fetch(hub.url, { method: 'POST', headers: hub.headers, body: hub.body, signal: AbortSignal.timeout(15_000) });
    const text = await res.text();
    if (res.ok && text.includes('"choices"')) return { ok: true, detail: `200, x-request-id ${res.headers.get('x-request-id')}` };
    return { ok: false, detail: `POST /v1/chat/completions → ${res.status}: ${text.slice(0, 300)}\n${tail(e.app.logFile, 3)}` };
  } catch (err) {
    return { ok: false, detail: String(err) };
  }
}

async function profileToggle(e: Env): Promise<void> {
  if (!e.config.cpuProfile) return;
  process.kill(e.app.pid, 'SIGWINCH');
  await new Promise((r) => setTimeout(r, 100));
}

async function runLoadScenario(e: Env, direct: Target, hub: Target, results: Results, overall: { max: number }): Promise<void> {
  const { config } = e;
  const load: NonNullable<Results['load']> = { runs: [] };
  results.load = load;
  if (config.warmupS > 0) {
    log(`warm-up ${config.warmupS} s per side at 10 connections`);
    load.warmup = { direct: await runLoad(direct, 10, config.warmupS), llmhub: await runLoad(hub, 10, config.warmupS) };
  }
  for (const connections of config.connections) {
    if (e.app.proc.exitCode !== null || e.app.proc.signalCode !== null) throw new Error(`LLMHub exited:\n${tail(e.app.logFile, 5)}`);
    log(`load: ${connections} connection(s), ${config.durationS} s direct then ${config.durationS} s through LLMHub`);
    const d = await runLoad(direct, connections, config.durationS);
    if (connections === config.profileConnections) await profileToggle(e);
    const rss = sampleRss(e.app.pid);
    const cpu0 = cpuTimeMs(e.app.pid);
    const h = await runLoad(hub, connections, config.durationS);
    const cpuMs = cpuTimeMs(e.app.pid) - cpu0;
    const { maxMb } = rss.stop();
    if (connections === config.profileConnections) await profileToggle(e);
    overall.max = Math.max(overall.max, maxMb);
    load.runs.push({
      connections,
      direct: d,
      llmhub: h,
      overheadMs: {
        p50: round(h.latencyMs.p50 - d.latencyMs.p50),
        p90: round(h.latencyMs.p90 - d.latencyMs.p90),
        p99: round(h.latencyMs.p99 - d.latencyMs.p99),
      },
      llmhubMaxRssMb: round(maxMb, 1),
      llmhubCpuMsPerRequest: round(cpuMs / Math.max(1, h.requests), 2),
      llmhubCpuCores: round(cpuMs / 1000 / h.durationS, 2),
    });
    log(`  direct ${d.requestsPerS} req/s p50 ${round(d.latencyMs.p50)} ms | LLMHub ${h.requestsPerS} req/s p50 ${round(h.latencyMs.p50)} ms, non-2xx ${h.non2xx}, errors ${h.errors}, RSS max ${round(maxMb, 1)} MB, LLMHub CPU ${round(cpuMs / Math.max(1, h.requests), 2)} ms/request`);
  }
}

async function timeHttpReport(e: Env, runs: number): Promise<Percentiles> {
  const { from, to } = reportWindow();
  const url = `${e.appUrl}/api/admin/billing/usage?granularity=day&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
  const times: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const t0 = process.hrtime.bigint();
    await json<unknown>(url, { token: e.adminToken });
    if (i >= 2) times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return summarize(times);
}

function buildChecks(r: Results, config: BenchConfig): Check[] {
  const checks: Check[] = [];
  const run = (c: number) => r.load?.runs.find((x) => x.connections === c);
  const one = run(1);
  checks.push({ name: 'overhead p50 @1 conn', measured: one ? one.overheadMs.p50 : null, unit: 'ms', kind: 'max', target: 1, note: one ? `direct ${round(one.direct.latencyMs.p50)} / LLMHub ${round(one.llmhub.latencyMs.p50)} ms` : undefined });
  checks.push({ name: 'overhead p99 @1 conn', measured: one ? one.overheadMs.p99 : null, unit: 'ms', kind: 'max', target: 3, note: one ? `direct ${round(one.direct.latencyMs.p99)} / LLMHub ${round(one.llmhub.latencyMs.p99)} ms` : undefined });
  for (const c of config.connections.filter((x) => x > 1)) {
    const x = run(c);
    checks.push({ name: `LLMHub req/s @${c} conns`, measured: x ? x.llmhub.requestsPerS : null, unit: 'req/s', kind: 'min', target: 2_000, note: x ? `direct ${Math.round(x.direct.requestsPerS)} req/s; p50 overhead ${x.overheadMs.p50} ms` : undefined });
  }
  const failures = r.load ? r.load.runs.reduce((n, x) => n + x.llmhub.non2xx + x.llmhub.errors + x.llmhub.timeouts, 0) : null;
  checks.push({ name: 'LLMHub errors + non-2xx (all load runs)', measured: failures, unit: '', kind: 'max', target: 0 });
  const s = r.stream;
  checks.push({ name: 'stream TTFB overhead p50', measured: s ? s.ttfbOverheadMs.p50 : null, unit: 'ms', kind: 'max', target: 1, note: s ? `p99 ${s.ttfbOverheadMs.p99} ms; first content chunk p50 overhead ${s.firstChunkOverheadMs.p50} ms` : undefined });
  checks.push({
    name: 'stream chunks held back (runs)',
    measured: s ? s.chunkCountMismatches + s.gapCheck.chunkCountMismatches + (s.gapCheck.ok ? 0 : 1) : null,
    unit: '',
    kind: 'max',
    target: 0,
    note: s ? `gaps direct p50 ${round(s.gapCheck.directGapsMs.p50, 1)} / LLMHub p50 ${round(s.gapCheck.llmhubGapsMs.p50, 1)} ms; worst gap diff p50 ${round(s.gapCheck.maxGapDifferenceMs.p50, 1)} ms` : undefined,
  });
  const i = r.ingest;
  checks.push({ name: 'ingest via UsageRecorder.record()', measured: i ? i.recorder.recordsPerS : null, unit: 'rec/s', kind: 'min', target: 10_000, note: i ? `${i.recorder.records} records, ${i.recorder.concurrency} concurrent${i.recorder.spooled ? ', SPOOLED' : ''}` : undefined });
  checks.push({ name: 'ingest via seed path (insertBatch 5k)', measured: i?.seed ? i.seed.recordsPerS : null, unit: 'rec/s', kind: 'min', target: 10_000, note: i?.seed ? `${i.seed.records} records` : undefined });
  const rep = r.report;
  const full = rep ? rep.rowsInLog >= 10_000_000 : false;
  checks.push({
    name: '30-day daily report p50 (HTTP)',
    measured: rep ? rep.httpMs.p50 : null,
    unit: 'ms',
    kind: 'max',
    target: 50,
    note: rep ? `${rep.rowsInLog.toLocaleString('en-US')} log rows${full ? '' : ' (not the full 10M: BENCH_REPORT_ROWS=10000000)'}; query alone p50 ${round(rep.serviceMs.p50, 2)} ms` : undefined,
  });
  checks.push({ name: `LLMHub max RSS @${Math.max(...config.connections)} conns`, measured: r.memory.maxRssMbAtPeakLoad, unit: 'MB', kind: 'max', target: 250, note: `max over the whole run ${round(r.memory.maxRssMbOverall, 1)} MB` });
  return checks.map((c) => ({ ...c, measured: c.measured === null ? null : round(c.measured, 3) }));
}

async function main(): Promise<void> {
  const resultsDir = path.join(REPO, 'bench/results');
  mkdirSync(resultsDir, { recursive: true });
  const config = loadConfig(process.env, process.argv.slice(2), resultsDir);
  const results: Results = {
    startedAt: new Date().toISOString(),
    machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '?' },
    settings: { ...config, databaseUrl: undefined, redisUrl: config.redisUrl ? '(set)' : undefined },
    limitsMode: config.redisUrl ? 'redis' : 'in-memory',
    gatewayCheck: { ok: false, detail: 'not run' },
    load: null,
    commitMs: null,
    stream: null,
    ingest: null,
    report: null,
    memory: { maxRssMbAtPeakLoad: null, maxRssMbOverall: 0, rssMbAtEnd: Number.NaN },
    profile: null,
    errors: [],
    checks: [],
  };
  log(`limits mode: ${results.limitsMode}; LOG_LEVEL=${config.logLevel}; scenarios ${config.scenarios.join(', ')}`);
  const e = await startEnvironment(config);
  const overall = { max: rssMb(e.app.pid) };
  try {
    const direct = chatTarget('direct', e.simUrl, SIM_KEY, MODEL_DIRECT);
    const hub = chatTarget('llmhub', e.appUrl, e.apiKey, MODEL_HUB);
    results.gatewayCheck = await checkGateway(e, hub);
    const needGateway = config.scenarios.filter((s) => s === 'load' || s === 'stream');
    if (!results.gatewayCheck.ok && needGateway.length > 0) {
      results.errors.push(`gateway not working, skipped ${needGateway.join(', ')}: ${results.gatewayCheck.detail}`);
      log(results.errors[results.errors.length - 1]);
    }
    const attempt = async (name: string, fn: () => Promise<void>): Promise<void> => {
      try {
        await fn();
      } catch (err) {
        results.errors.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
        log(`${name} failed: ${results.errors[results.errors.length - 1]}`);
      }
    };
    if (results.gatewayCheck.ok && config.scenarios.includes('load')) {
      await attempt('commit probe', async () => {
        results.commitMs = await measureCommitLatency(e.db.url);
        log(`one durable commit on this database: p50 ${round(results.commitMs.p50)} ms, p99 ${round(results.commitMs.p99)} ms`);
      });
      await attempt('load', () => runLoadScenario(e, direct, hub, results, overall));
      const peak = results.load?.runs.find((r) => r.connections === Math.max(...config.connections));
      results.memory.maxRssMbAtPeakLoad = peak ? peak.llmhubMaxRssMb : null;
    }
    if (results.gatewayCheck.ok && config.scenarios.includes('stream')) {
      log(`streaming: ${config.streamRuns} + ${config.streamGapRuns} sequential requests per side`);
      await attempt('stream', async () => {
        const rss = sampleRss(e.app.pid);
        results.stream = await runStreaming(direct, hub, config.streamRuns, config.streamGapRuns);
        overall.max = Math.max(overall.max, rss.stop().maxMb);
      });
    }
    const workerEnv = { PATH: process.env.PATH, NODE_ENV: 'production', DATABASE_URL: e.db.url };
    if (config.scenarios.includes('ingest')) {
      log(`ingest: ${config.ingestRecords} records through UsageRecorder (${config.ingestConcurrency} concurrent), ${config.seedRecords} through the seed path`);
      await attempt('ingest', async () => {
        results.ingest = await runWorker<IngestResult>(
          'ingest',
          path.join(DIST, 'bench/ingest.js'),
          { ...workerEnv, BENCH_INGEST_RECORDS: String(config.ingestRecords), BENCH_INGEST_CONCURRENCY: String(config.ingestConcurrency), BENCH_SEED_RECORDS: String(config.seedRecords) },
          path.join(config.resultsDir, 'ingest.log'),
          300_000,
        );
      });
    }
    if (config.scenarios.includes('report')) {
      log(`report: seeding ${config.reportRows} rows over 60 days, then ${config.reportRuns} timed reports`);
      await attempt('report', async () => {
        const seeded = await runWorker<ReportSeedResult>(
          'report',
          path.join(DIST, 'bench/report-query.js'),
          { ...workerEnv, BENCH_REPORT_ROWS: String(config.reportRows), BENCH_REPORT_RUNS: String(config.reportRuns) },
          path.join(config.resultsDir, 'report.log'),
          // bounded, but long enough for 10M rows on a slow disk
          120_000 + Math.ceil(config.reportRows / 2_000) * 1_000,
        );
        results.report = { ...seeded, httpMs: await timeHttpReport(e, config.reportRuns) };
      });
    }
    results.memory.maxRssMbOverall = round(overall.max, 1);
    results.memory.rssMbAtEnd = round(rssMb(e.app.pid), 1);
  } finally {
    await stopChild(e.app);
    await stopAll();
    if (config.keepDatabase) log(`kept database ${e.db.url}`);
    else await dropDatabase();
  }
  if (config.cpuProfile && existsSync(e.profileFile)) {
    results.profile = { file: path.relative(REPO, e.profileFile), ...summarizeProfile(e.profileFile) };
  }
  results.checks = buildChecks(results, config).map((c) => ({ ...c, result: verdict(c) }));
  const out = path.join(resultsDir, 'latest.json');
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  printSummary(results, config, out);
}

function printSummary(r: Results, config: BenchConfig, out: string): void {
  const lines = [
    '',
    `LLMHub benchmark — ${r.startedAt} — node ${r.machine.node}, ${r.machine.cpus} CPU(s) ${r.machine.cpuModel}`,
    `limits: ${r.limitsMode}; LOG_LEVEL=${config.logLevel}; load ${config.durationS} s per side per connection count; model ${MODEL_HUB}, max_tokens 16`,
    '',
  ];
  if (r.load) {
    lines.push('conns  side     req/s      p50 ms   p90 ms   p99 ms   non-2xx  errors  app CPU ms/req');
    for (const run of r.load.runs) {
      for (const side of [run.direct, run.llmhub]) {
        lines.push(
          `${String(run.connections).padStart(5)}  ${side.label.padEnd(7)}  ${String(Math.round(side.requestsPerS)).padStart(7)}  ${side.latencyMs.p50.toFixed(3).padStart(7)}  ${side.latencyMs.p90.toFixed(3).padStart(7)}  ${side.latencyMs.p99.toFixed(3).padStart(7)}  ${String(side.non2xx).padStart(7)}  ${String(side.errors + side.timeouts).padStart(6)}  ${side === run.llmhub ? String(run.llmhubCpuMsPerRequest).padStart(14) : ''}`.trimEnd(),
        );
      }
    }
    if (r.commitMs) lines.push(`(one durable commit on this database: p50 ${round(r.commitMs.p50)} ms, p99 ${round(r.commitMs.p99)} ms — LLMHub answers after its usage record commits)`);
    lines.push('');
  }
  lines.push(renderTable(r.checks), '');
  if (r.profile) {
    lines.push(`CPU profile of LLMHub during the ${config.profileConnections}-connection run (${r.profile.file}), top self time:`);
    for (const f of r.profile.topFunctions.slice(0, 15)) lines.push(`  ${f.percent.toFixed(1).padStart(5)}%  ${f.name}`);
    lines.push('  by module:');
    for (const m of r.profile.topModules.slice(0, 10)) lines.push(`  ${m.percent.toFixed(1).padStart(5)}%  ${m.name}`);
    lines.push('');
  }
  for (const err of r.errors) lines.push(`ERROR ${err}`);
  lines.push(`results: ${path.relative(process.cwd(), out) || out}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

let pendingDrop: BenchDatabase | undefined;

async function dropDatabase(): Promise<void> {
  const db = pendingDrop;
  pendingDrop = undefined;
  if (!db) return;
  await db.drop().then(() => log(`database ${db.name} dropped`), (err: unknown) => log(`could not drop ${db.name}: ${String(err)}`));
}

let cleaningUp = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (cleaningUp) return;
    cleaningUp = true;
    log(`${signal}: stopping child processes`);
    void stopAll()
      .then(dropDatabase)
      .finally(() => process.exit(130));
  });
}
process.on('exit', killAllNow);

main().catch(async (err: unknown) => {
  log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  await stopAll();
  await dropDatabase();
  process.exit(1);
});
