/**
 * `npm run bench`: LLMHub's performance targets against the local provider
 * simulator. Starts the simulator, the bare reference proxy (bare-proxy.ts) and
 * the BUILT app (dist/src/main.js, once per limits mode) as child processes on
 * 127.0.0.1 with a fresh database, runs each scenario side by side — direct to
 * the simulator, through the bare proxy, through LLMHub — prints the table with
 * LLMHub's ratios to the proxy and writes bench/results/latest.json.
 * Settings: see config.ts and bench/README.md.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { runWorker } from './child-protocol';
import { measureCommitLatency } from './commit-probe';
import { loadConfig, type BenchConfig } from './config';
import type { BenchDatabase } from './database';
import { DIST, json, log, SIM_KEY, startHub, startUpstream, type Hub, type Upstream } from './environment';
import type { IngestResult } from './ingest';
import { chatTarget, mergeSlices, runLoad, type LoadResult, type Target } from './load';
import { startPeer, peerTarget } from './peer';
import { cpuTimeMs, groupCpuTimeMs, killAllNow, rssMb, sampleRss, stopAll, stopChild, tail } from './processes';
import { summarizeProfile } from './profile-summary';
import type { ReportSeedResult } from './report-query';
import { reportWindow } from './report-query';
import type { BurstSide, ComparedRun, LoadRun, ModeResult, Results, StreamLoadRun } from './results-types';
import { round, summarize, type Percentiles } from './stats';
import { runStreaming, withStream } from './stream-ttfb';
import { globalChecks, modeChecks, printSummary, streamSpacing } from './summary';

const REPO = path.resolve(DIST, '..');
const MODEL_HUB = 'openai/gpt-4o-mini';
const MODEL_DIRECT = 'gpt-4o-mini';

/** The call each side is measured with (the other gateway's only when one is set beside LLMHub). */
interface Targets {
  direct: Target;
  proxy: Target;
  proxyCommit: Target;
  peer?: Target;
  llmhub: Target;
}

/** The other gateway's figures in a progress line. */
function peerLine(run: ComparedRun, unit: string): string {
  const peer = run.peer!;
  const failed = peer.result.non2xx + peer.result.errors + peer.result.timeouts;
  if (peer.result.requests === 0) return `${peer.result.label} answered none of its calls (${failed} failed)`;
  return (
    `${peer.result.label} ${peer.result.requestsPerS} ${unit} (${round(100 * peer.reqPerSRatioToProxy, 1)}% of proxy) CPU ${peer.cpuMsPerRequest} ms` +
    (failed > 0 ? `, ${failed} failed` : '')
  );
}

/** One real request through LLMHub before measuring anything that needs the gateway. */
async function checkGateway(hub: Hub, target: Target): Promise<{ ok: boolean; detail: string }> {
  try {
    const res = await fetch(target.url, { method: 'POST', headers: target.headers, body: target.body, signal: AbortSignal.timeout(15_000) });
    const text = await res.text();
    if (res.ok && text.includes('"choices"')) return { ok: true, detail: `200, x-request-id ${res.headers.get('x-request-id')}` };
    return { ok: false, detail: `POST /v1/chat/completions → ${res.status}: ${text.slice(0, 300)}\n${tail(hub.app.logFile, 3)}` };
  } catch (err) {
    return { ok: false, detail: String(err) };
  }
}

async function profileToggle(config: BenchConfig, hub: Hub): Promise<void> {
  if (!config.cpuProfile) return;
  process.kill(hub.app.pid, 'SIGWINCH');
  await new Promise((r) => setTimeout(r, 100));
}

function added(h: LoadResult, d: LoadResult): LoadRun['overheadMs'] {
  return { p50: round(h.latencyMs.p50 - d.latencyMs.p50), p90: round(h.latencyMs.p90 - d.latencyMs.p90), p99: round(h.latencyMs.p99 - d.latencyMs.p99) };
}

interface LoadSide {
  target: Target;
  /** the CPU time so far (ms) of the process(es) this side's requests are charged to */
  cpu?: () => number;
}

interface SideLoad {
  result: LoadResult;
  cpuMsPerRequest: number;
  cores: number;
}

/**
 * Every side of one connection count in interleaved slices — direct, proxy, …, LLMHub, then again —
 * so a slow moment of the shared disk or cores (a burst of slow fsyncs lasts seconds here) falls on
 * every side alike rather than on whichever ran then. Each side's slices are pooled: req/s over its
 * total time, percentiles over all of its latencies.
 */
async function interleavedLoad(sides: readonly LoadSide[], connections: number, durationS: number, rounds: number): Promise<SideLoad[]> {
  const sliceS = durationS / rounds;
  const slices = sides.map(() => [] as LoadResult[]);
  const latencies = sides.map(() => [] as number[]);
  const cpuMs = sides.map(() => 0);
  for (let turn = 0; turn < rounds; turn++) {
    for (const [i, side] of sides.entries()) {
      const cpu0 = side.cpu?.() ?? 0;
      slices[i].push(await runLoad(side.target, connections, sliceS, { latencies: latencies[i] }));
      if (side.cpu) cpuMs[i] += side.cpu() - cpu0;
    }
  }
  return slices.map((sideSlices, i) => {
    const result = mergeSlices(sideSlices, latencies[i]);
    return { result, cpuMsPerRequest: round(cpuMs[i] / Math.max(1, result.requests), 3), cores: round(cpuMs[i] / 1000 / result.durationS, 2) };
  });
}

/**
 * The sides of one connection count (direct, proxy, LLMHub, and another gateway if one is set beside it) as one run:
 * LLMHub's share of the proxy's rate (and of the other gateway's), CPU per call.
 */
function compared(connections: number, [d, p, h]: readonly [SideLoad, SideLoad, SideLoad], maxMb: number, other?: SideLoad): ComparedRun {
  const share = (a: SideLoad, b: SideLoad) => round(a.result.requestsPerS / Math.max(1, b.result.requestsPerS), 4);
  return {
    connections,
    direct: d.result,
    proxy: p.result,
    llmhub: h.result,
    reqPerSRatioToProxy: share(h, p),
    llmhubMaxRssMb: round(maxMb, 1),
    llmhubCpuMsPerRequest: h.cpuMsPerRequest,
    proxyCpuMsPerRequest: p.cpuMsPerRequest,
    ...(other
      ? {
          peer: {
            result: other.result,
            cpuMsPerRequest: other.cpuMsPerRequest,
            reqPerSRatioToProxy: share(other, p),
            // a gateway that answered none of its calls has no rate to compare with
            llmhubReqPerSRatioToPeer: other.result.requests > 0 ? share(h, other) : null,
            overheadMs: added(other.result, d.result),
          },
        }
      : {}),
  };
}

/** The sides of a load or stream-load run in the order they take turns: direct, proxy, [proxy+commit], [the other gateway], LLMHub. */
function loadSides(up: Upstream, hub: Hub, targets: Omit<Targets, 'proxyCommit'> & { proxyCommit?: Target }): LoadSide[] {
  const peer = up.peer;
  return [
    { target: targets.direct },
    { target: targets.proxy, cpu: () => cpuTimeMs(up.proxy.pid) },
    ...(targets.proxyCommit ? [{ target: targets.proxyCommit }] : []),
    ...(peer && targets.peer ? [{ target: targets.peer, cpu: () => groupCpuTimeMs(peer.child.pid) }] : []),
    { target: targets.llmhub, cpu: () => cpuTimeMs(hub.app.pid) },
  ];
}

/** Each side's figures, found by its target. */
function bySide(sides: readonly LoadSide[], measured: readonly SideLoad[]): (target: Target | undefined) => SideLoad | undefined {
  return (target) => (target === undefined ? undefined : measured[sides.findIndex((side) => side.target === target)]);
}

async function runLoadScenario(config: BenchConfig, up: Upstream, hub: Hub, targets: Targets, m: ModeResult, overall: { max: number }): Promise<void> {
  const load: NonNullable<ModeResult['load']> = { runs: [] };
  m.load = load;
  if (config.warmupS > 0) {
    log(`warm-up ${config.warmupS} s per side at 10 connections`);
    load.warmup = {
      direct: await runLoad(targets.direct, 10, config.warmupS),
      proxy: await runLoad(targets.proxy, 10, config.warmupS),
      llmhub: await runLoad(targets.llmhub, 10, config.warmupS),
    };
    await runLoad(targets.proxyCommit, 10, Math.min(2, config.warmupS));
    if (targets.peer) load.warmup.peer = await runLoad(targets.peer, 10, config.warmupS);
  }
  for (const connections of config.connections) {
    if (hub.app.proc.exitCode !== null || hub.app.proc.signalCode !== null) throw new Error(`LLMHub exited:\n${tail(hub.app.logFile, 5)}`);
    const rounds = Math.min(config.loadRounds, config.durationS);
    log(
      `load: ${connections} connection(s), ${config.durationS} s per side in ${rounds} interleaved round(s): direct, bare proxy` +
        `${connections === 1 ? ', bare proxy with a commit' : ''}${targets.peer ? `, ${targets.peer.label}` : ''}, LLMHub`,
    );
    // the latency floor of a durable gateway matters at one connection, where no call shares a commit
    const sides = loadSides(up, hub, { ...targets, proxyCommit: connections === 1 ? targets.proxyCommit : undefined });
    const profiled = config.profileScenario === 'load' && connections === config.profileConnections;
    if (profiled) await profileToggle(config, hub);
    const rss = sampleRss(hub.app.pid);
    const side = bySide(sides, await interleavedLoad(sides, connections, config.durationS, rounds));
    const { maxMb } = rss.stop();
    if (profiled) await profileToggle(config, hub);
    const [d, p, h] = [side(targets.direct)!, side(targets.proxy)!, side(targets.llmhub)!];
    const pc = connections === 1 ? side(targets.proxyCommit)?.result : undefined;
    overall.max = Math.max(overall.max, maxMb);
    const run: LoadRun = {
      ...compared(connections, [d, p, h], maxMb, side(targets.peer)),
      overheadMs: added(h.result, d.result),
      proxyOverheadMs: added(p.result, d.result),
      ...(pc ? { proxyCommit: pc, proxyCommitOverheadMs: added(pc, d.result) } : {}),
      llmhubCpuCores: h.cores,
    };
    load.runs.push(run);
    log(
      `  direct ${d.result.requestsPerS} req/s p50 ${round(d.result.latencyMs.p50)} ms | ` +
        `proxy ${p.result.requestsPerS} req/s p50 ${round(p.result.latencyMs.p50)} ms | ` +
        `${run.peer ? `${peerLine(run, 'req/s')} | ` : ''}` +
        `LLMHub ${h.result.requestsPerS} req/s (${round(100 * run.reqPerSRatioToProxy, 1)}% of proxy) p50 ${round(h.result.latencyMs.p50)} ms, ` +
        `non-2xx ${h.result.non2xx}, errors ${h.result.errors}, RSS max ${round(maxMb, 1)} MB, CPU ${h.cpuMsPerRequest} ms/req (proxy ${p.cpuMsPerRequest})`,
    );
  }
}

/**
 * `stream: true` calls without pause at each connection count, the sides taking turns as in the load
 * scenario: whole streams per second (each read to its end), LLMHub's share of the proxy's, CPU per stream.
 * LLMHub commits each stream's record before its last event, as it does before a non-streamed answer.
 */
async function runStreamLoadScenario(config: BenchConfig, up: Upstream, hub: Hub, targets: Targets, m: ModeResult, overall: { max: number }): Promise<void> {
  const streamLoad: NonNullable<ModeResult['streamLoad']> = { runs: [] };
  m.streamLoad = streamLoad;
  for (const [i, chunkDelayMs] of config.streamLoadChunkDelaysMs.entries()) {
    // autocannon reads each event stream to its end, so a latency is a whole stream
    const directive = chunkDelayMs > 0 ? ` [[sim:chunk_delay_ms=${chunkDelayMs}]]` : '';
    const [direct, proxy, llmhub] = [targets.direct, targets.proxy, targets.llmhub].map((target) => withStream(target, directive));
    const peer = targets.peer && withStream(targets.peer, directive);
    if (config.warmupS > 0) for (const target of [direct, proxy, peer, llmhub]) if (target) await runLoad(target, 10, Math.min(2, config.warmupS));
    for (const connections of config.streamLoadConnections) {
      if (hub.app.proc.exitCode !== null || hub.app.proc.signalCode !== null) throw new Error(`LLMHub exited:\n${tail(hub.app.logFile, 5)}`);
      const rounds = Math.min(config.loadRounds, config.durationS);
      log(
        `stream load: ${connections} connection(s)${streamSpacing(chunkDelayMs)}, ${config.durationS} s per side in ${rounds} interleaved round(s): ` +
          `direct, bare proxy${peer ? `, ${peer.label}` : ''}, LLMHub`,
      );
      // the profile covers the first spacing's run
      const profiled = config.profileScenario === 'stream-load' && i === 0 && connections === config.profileConnections;
      if (profiled) await profileToggle(config, hub);
      const rss = sampleRss(hub.app.pid);
      const sides = loadSides(up, hub, { direct, proxy, peer, llmhub });
      const side = bySide(sides, await interleavedLoad(sides, connections, config.durationS, rounds));
      const { maxMb } = rss.stop();
      if (profiled) await profileToggle(config, hub);
      overall.max = Math.max(overall.max, maxMb);
      const [d, p, h] = [side(direct)!, side(proxy)!, side(llmhub)!];
      const run: StreamLoadRun = { ...compared(connections, [d, p, h], maxMb, side(peer)), chunkDelayMs };
      streamLoad.runs.push(run);
      log(
        `  direct ${d.result.requestsPerS} streams/s | proxy ${p.result.requestsPerS} streams/s | ` +
          `${run.peer ? `${peerLine(run, 'streams/s')} | ` : ''}` +
          `LLMHub ${h.result.requestsPerS} streams/s (${round(100 * run.reqPerSRatioToProxy, 1)}% of proxy), ` +
          `non-2xx ${h.result.non2xx}, errors ${h.result.errors}, CPU ${h.cpuMsPerRequest} ms/stream (proxy ${p.cpuMsPerRequest})`,
      );
    }
  }
}

/**
 * `connections` new connections opened at once, each calling without pause for `durationS`, the sides
 * taking turns (`rounds` times): what a gateway meets when many clients connect together (a fleet
 * starting, a load balancer reconnecting). Node accepts a limited number of connections per turn of
 * its event loop, and a turn lasts as long as the work of every connection already served, so the
 * last connections wait; `firstAnswerMs` (per connection, from the start to its first answer) says how long.
 */
async function runBurst(targets: readonly Target[], connections: number, durationS: number, rounds: number): Promise<BurstSide[]> {
  const slices = targets.map(() => [] as LoadResult[]);
  const latencies = targets.map(() => [] as number[]);
  const firstAnswers = targets.map(() => [] as number[]);
  for (let turn = 0; turn < rounds; turn++) {
    for (const [i, target] of targets.entries()) {
      slices[i].push(await runLoad(target, connections, durationS, { latencies: latencies[i], firstAnswers: firstAnswers[i] }));
    }
  }
  return slices.map((sideSlices, i) => ({
    ...mergeSlices(sideSlices, latencies[i]),
    firstAnswerMs: summarize(firstAnswers[i]),
    neverAnswered: connections * rounds - firstAnswers[i].length,
  }));
}

const burstLine = (r: BurstSide) =>
  `${r.label} first answer p50 ${round(r.firstAnswerMs.p50)} / max ${round(r.firstAnswerMs.max)} ms, calls p99 ${round(r.latencyMs.p99)} ms` +
  (r.neverAnswered + r.timeouts + r.errors + r.non2xx > 0
    ? ` (${r.neverAnswered} connections never answered, ${r.timeouts} timed out, ${r.errors} errors, ${r.non2xx} non-2xx)`
    : '');

async function timeHttpReport(hub: Hub, runs: number): Promise<Percentiles> {
  const { from, to } = reportWindow();
  const url = `${hub.appUrl}/api/admin/billing/usage?granularity=day&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
  const times: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const t0 = process.hrtime.bigint();
    await json<unknown>(url, { token: hub.adminToken });
    if (i >= 2) times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return summarize(times);
}

async function attempt(results: Results, name: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    results.errors.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
    log(`${name} failed: ${results.errors[results.errors.length - 1]}`);
  }
}

/** Load and stream against one LLMHub process. */
async function runMode(config: BenchConfig, up: Upstream, hub: Hub, results: Results): Promise<ModeResult> {
  const m: ModeResult = {
    limitsMode: hub.mode,
    gatewayCheck: { ok: false, detail: 'not run' },
    load: null,
    stream: null,
    streamLoad: null,
    burst: null,
    memory: { maxRssMbAtPeakLoad: null, maxRssMbOverall: 0, rssMbAtEnd: Number.NaN },
    profile: null,
    checks: [],
  };
  const overall = { max: rssMb(hub.app.pid) };
  const sides = (extraText: string): Targets => ({
    direct: chatTarget('direct', up.simUrl, SIM_KEY, MODEL_DIRECT, extraText),
    proxy: chatTarget('proxy', up.proxyUrl, SIM_KEY, MODEL_DIRECT, extraText),
    proxyCommit: chatTarget('proxy+commit', up.commitProxyUrl, SIM_KEY, MODEL_DIRECT, extraText),
    ...(up.peer ? { peer: peerTarget(up.peer, MODEL_DIRECT, extraText) } : {}),
    llmhub: chatTarget('llmhub', hub.appUrl, hub.apiKey, MODEL_HUB, extraText),
  });
  const targets = sides('');
  // the simulator reads its directive from the message; streams keep theirs (the gap check's)
  const loadTargets = config.upstreamLatencyMs > 0 ? sides(` [[sim:latency_ms=${config.upstreamLatencyMs}]]`) : targets;
  m.gatewayCheck = await checkGateway(hub, targets.llmhub);
  const needGateway = config.scenarios.filter((s) => s === 'load' || s === 'stream' || s === 'stream-load' || s === 'burst');
  if (!m.gatewayCheck.ok && needGateway.length > 0) {
    results.errors.push(`[${hub.mode}] gateway not working, skipped ${needGateway.join(', ')}: ${m.gatewayCheck.detail}`);
    log(results.errors[results.errors.length - 1]);
  }
  if (m.gatewayCheck.ok && config.scenarios.includes('load')) {
    await attempt(results, `[${hub.mode}] load`, () => runLoadScenario(config, up, hub, loadTargets, m, overall));
    const peak = m.load?.runs.find((r) => r.connections === Math.max(...config.connections));
    m.memory.maxRssMbAtPeakLoad = peak ? peak.llmhubMaxRssMb : null;
  }
  if (m.gatewayCheck.ok && config.scenarios.includes('stream')) {
    log(`streaming: ${config.streamWarmupRuns} warm-up, then ${config.streamRuns} + ${config.streamGapRuns} sequential requests per side`);
    await attempt(results, `[${hub.mode}] stream`, async () => {
      const rss = sampleRss(hub.app.pid);
      const { streamRuns, streamGapRuns, streamWarmupRuns } = config;
      m.stream = await runStreaming(targets.direct, targets.proxy, targets.llmhub, streamRuns, streamGapRuns, streamWarmupRuns, targets.peer);
      overall.max = Math.max(overall.max, rss.stop().maxMb);
      const peer = m.stream.peer;
      log(
        `  stream TTFB added p50: proxy ${m.stream.proxy.ttfbOverheadMs.p50} ms, ` +
          (peer ? `${peer.label} ${peer.ttfbOverheadMs.p50} ms (non-2xx ${peer.non2xx}), ` : '') +
          `LLMHub ${m.stream.ttfbOverheadMs.p50} ms`,
      );
    });
  }
  if (m.gatewayCheck.ok && config.scenarios.includes('stream-load')) {
    await attempt(results, `[${hub.mode}] stream load`, () => runStreamLoadScenario(config, up, hub, targets, m, overall));
  }
  if (m.gatewayCheck.ok && config.scenarios.includes('burst')) {
    const { burstConnections: connections, burstRounds: rounds } = config;
    log(`burst: ${connections} new connections at once, calling for ${config.burstS} s, ${rounds} round(s) per side: direct, bare proxy, LLMHub`);
    await attempt(results, `[${hub.mode}] burst`, async () => {
      const rss = sampleRss(hub.app.pid);
      const [direct, proxy, llmhub] = await runBurst([targets.direct, targets.proxy, targets.llmhub], connections, config.burstS, rounds);
      overall.max = Math.max(overall.max, rss.stop().maxMb);
      m.burst = { connections, durationS: config.burstS, rounds, direct, proxy, llmhub };
      log(`  ${[direct, proxy, llmhub].map(burstLine).join(' | ')}`);
    });
  }
  m.memory.maxRssMbOverall = round(overall.max, 1);
  m.memory.rssMbAtEnd = round(rssMb(hub.app.pid), 1);
  return m;
}

async function runWorkers(config: BenchConfig, up: Upstream, lastHub: Hub | undefined, results: Results): Promise<void> {
  const workerEnv = { PATH: process.env.PATH, NODE_ENV: 'production', DATABASE_URL: up.db.url };
  if (config.scenarios.includes('ingest')) {
    log(`ingest: ${config.ingestRecords} records through UsageRecorder (${config.ingestConcurrency} concurrent), ${config.seedRecords} through the seed path`);
    await attempt(results, 'ingest', async () => {
      results.ingest = await runWorker<IngestResult>(
        'ingest',
        path.join(DIST, 'bench/ingest.js'),
        {
          ...workerEnv,
          BENCH_INGEST_RECORDS: String(config.ingestRecords),
          BENCH_INGEST_CONCURRENCY: String(config.ingestConcurrency),
          BENCH_SEED_RECORDS: String(config.seedRecords),
        },
        path.join(config.resultsDir, 'ingest.log'),
        300_000,
      );
    });
  }
  if (config.scenarios.includes('report') && lastHub) {
    log(`report: seeding ${config.reportRows} rows over 60 days, then ${config.reportRuns} timed reports`);
    await attempt(results, 'report', async () => {
      const seeded = await runWorker<ReportSeedResult>(
        'report',
        path.join(DIST, 'bench/report-query.js'),
        { ...workerEnv, BENCH_REPORT_ROWS: String(config.reportRows), BENCH_REPORT_RUNS: String(config.reportRuns) },
        path.join(config.resultsDir, 'report.log'),
        // bounded, but long enough for 10M rows on a slow disk
        120_000 + Math.ceil(config.reportRows / 2_000) * 1_000,
      );
      results.report = { ...seeded, httpMs: await timeHttpReport(lastHub, config.reportRuns) };
    });
  }
}

async function main(): Promise<void> {
  const resultsDir = path.join(REPO, 'bench/results');
  mkdirSync(resultsDir, { recursive: true });
  const config = loadConfig(process.env, process.argv.slice(2), resultsDir);
  const results: Results = {
    startedAt: new Date().toISOString(),
    quick: config.quick,
    machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '?' },
    // the other gateway's header values may hold a key of its own
    settings: {
      ...config,
      databaseUrl: undefined,
      redisUrl: config.redisUrl ? '(set)' : undefined,
      peer: config.peer ? { ...config.peer, headers: Object.keys(config.peer.headers) } : undefined,
    },
    modes: [],
    commitMs: null,
    ingest: null,
    report: null,
    checks: [],
    errors: [],
  };
  const settings = `LOG_LEVEL=${config.logLevel}; USAGE_SYNCHRONOUS_COMMIT=${config.usageSynchronousCommit}`;
  log(`limits: ${config.limitsModes.join(' then ')}; ${settings}; scenarios ${config.scenarios.join(', ')}${config.quick ? ' (quick)' : ''}`);
  const up = await startUpstream(config, (db) => {
    if (!config.keepDatabase) pendingDrop = db;
  }).catch(async (err: unknown) => {
    await stopAll();
    throw err;
  });
  try {
    up.peer = await startPeer(config, up.simUrl, MODEL_DIRECT);
    if (config.scenarios.includes('load')) {
      await attempt(results, 'commit probe', async () => {
        results.commitMs = await measureCommitLatency(up.db.url);
        log(`one durable commit on this database: p50 ${round(results.commitMs.p50)} ms, p99 ${round(results.commitMs.p99)} ms`);
      });
    }
    for (const [i, mode] of config.limitsModes.entries()) {
      const hub = await startHub(config, up, mode);
      const last = i === config.limitsModes.length - 1;
      try {
        const m = await runMode(config, up, hub, results);
        results.modes.push(m);
        // the report's HTTP figure needs a running LLMHub: the last one
        if (last) await runWorkers(config, up, hub, results);
      } finally {
        await stopChild(hub.app);
      }
      const m = results.modes[results.modes.length - 1];
      if (m && config.cpuProfile && existsSync(hub.profileFile))
        m.profile = { file: path.relative(REPO, hub.profileFile), ...summarizeProfile(hub.profileFile) };
      if (m) m.checks = modeChecks(m, config);
    }
  } finally {
    await stopAll();
    if (config.keepDatabase) log(`kept database ${up.db.url}`);
    else await dropDatabase();
  }
  results.checks = globalChecks(results);
  results.finishedAt = new Date().toISOString();
  const out = path.join(resultsDir, config.quick ? 'quick.json' : 'latest.json');
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  printSummary(results, config, out, MODEL_HUB);
  // a broken gateway or a failed scenario fails the run (CI's smoke); slow figures never do
  if (results.errors.length > 0) process.exitCode = 1;
}

let pendingDrop: BenchDatabase | undefined;

async function dropDatabase(): Promise<void> {
  const db = pendingDrop;
  pendingDrop = undefined;
  if (!db) return;
  await db.drop().then(
    () => log(`database ${db.name} dropped`),
    (err: unknown) => log(`could not drop ${db.name}: ${String(err)}`),
  );
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
