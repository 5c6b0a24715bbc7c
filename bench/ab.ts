/**
 * Before/after on a noisy machine: two builds of LLMHub side by side, same
 * simulator, same PostgreSQL server, same moment (two builds each get their own
 * database: each migrates its own schema). Runs a fixed number of requests
 * through each in turn (alternating which goes first), several rounds, and
 * reports CPU ms per request (from /proc), req/s and p50, with the bare proxy
 * measured in the same rounds for the ratio. Latency percentiles are over every
 * round's responses pooled, so a p99 rests on rounds × requests samples.
 *
 *   npm run build:server
 *   node dist/bench/ab.js --baseline-dist=/path/to/other/dist [--rounds=3 --requests=3000 --ab-connections=10]
 *   node dist/bench/ab.js --current-node-args=--min-semi-space-size=4   (same build, a start flag tried)
 *   node dist/bench/ab.js --current-env=USAGE_SYNCHRONOUS_COMMIT=off    (same build, a setting tried)
 *   node dist/bench/ab.js --baseline-dist=… --rounds=0 --ab-streams=2000   (streams only: time to first byte)
 *
 * `--ab-streams=N` adds N sequential `stream: true` calls per side, taking turns
 * call by call after as many uncounted ones, and reports each side's time to
 * first byte (p50 / p99) and its difference from the proxy's.
 *
 * The other build is any checkout built with `npm run build:server` (e.g.
 * `git archive <commit> | tar -x -C /tmp/base`, node_modules linked, built).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type LimitsMode } from './config';
import { createBenchDatabase, type BenchDatabase } from './database';
import { log, SIM_KEY, startHub, startUpstream, type Hub } from './environment';
import { Agent } from 'node:http';
import { chatTarget, runLoad, type Target } from './load';
import { cpuTimeMs, killAllNow, stopAll } from './processes';
import { round, summarize } from './stats';
import { streamOnce, withStream } from './stream-ttfb';

interface Side {
  name: string;
  pid: number;
  target: Target;
}

interface Sample {
  cpuMsPerRequest: number;
  requestsPerS: number;
  p50: number;
  errors: number;
  latencies: number[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * The orders the three sides (proxy, baseline, current) take turns in, one after the other and round again:
 * every order once, arranged so that each side comes right after each other side equally often (three times
 * in a cycle), where merely rotating one order (proxy, A, B; A, B, proxy; B, proxy, A) has B follow A twice as
 * often as A follows B. The two places still differ by tens of µs on some machines, whichever build is in
 * them: read a small difference with the builds swapped too (--baseline-dist the other way round).
 */
const BALANCED_ORDERS = [
  [0, 1, 2],
  [0, 2, 1],
  [2, 1, 0],
  [1, 0, 2],
  [1, 2, 0],
  [2, 0, 1],
];

/** `runs` streams per side, the sides taking turns call by call (BALANCED_ORDERS), after as many uncounted: each side's times to first byte. */
async function streamTurns(sides: readonly Side[], runs: number): Promise<Map<string, number[]>> {
  const turns = sides.map((side) => ({ side, target: withStream(side.target), agent: new Agent({ keepAlive: true, maxSockets: 1 }) }));
  const ttfb = new Map<string, number[]>(sides.map((s) => [s.name, []]));
  try {
    for (let i = 0; i < 2 * runs; i++) {
      for (const k of BALANCED_ORDERS[i % BALANCED_ORDERS.length]) {
        const turn = turns[k];
        const sample = await streamOnce(turn.target, turn.agent);
        if (sample.status !== 200) throw new Error(`${turn.side.name}: stream answered ${sample.status}`);
        if (i >= runs) ttfb.get(turn.side.name)!.push(sample.ttfbMs);
      }
    }
  } finally {
    for (const turn of turns) turn.agent.destroy();
  }
  return ttfb;
}

async function measure(side: Side, connections: number, requests: number): Promise<Sample> {
  const cpu0 = cpuTimeMs(side.pid);
  const latencies: number[] = [];
  const r = await runLoad(side.target, connections, 0, { amount: requests, latencies });
  const cpu = cpuTimeMs(side.pid) - cpu0;
  return {
    cpuMsPerRequest: round(cpu / Math.max(1, r.requests), 3),
    requestsPerS: r.requestsPerS,
    p50: round(r.latencyMs.p50),
    errors: r.errors + r.non2xx + r.timeouts,
    latencies,
  };
}

/** The load rounds' table: CPU per call and req/s (medians over rounds), p50 and p99 over every round's calls. */
function printLoad(sides: readonly Side[], samples: Map<string, Sample[]>, rounds: number): void {
  const lines = ['', `side      CPU ms/req (median of ${rounds})  req/s (median)  % of proxy req/s  p50 ms (all rounds)  p99 ms (all rounds)`];
  const proxyRps = median(samples.get('proxy')!.map((s) => s.requestsPerS));
  for (const side of sides) {
    const xs = samples.get(side.name)!;
    const rps = median(xs.map((s) => s.requestsPerS));
    const pooled = summarize(xs.flatMap((s) => s.latencies));
    const cells = [
      side.name.padEnd(8),
      String(median(xs.map((s) => s.cpuMsPerRequest))).padStart(24),
      String(Math.round(rps)).padStart(14),
      `${round((100 * rps) / proxyRps, 1)}%`.padStart(16),
      String(round(pooled.p50)).padStart(18),
      String(round(pooled.p99)).padStart(19),
    ];
    lines.push(cells.join('  '));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main(): Promise<void> {
  const resultsDir = path.resolve(__dirname, '../../bench/results');
  mkdirSync(resultsDir, { recursive: true });
  const argv = process.argv.slice(2);
  const config = loadConfig(process.env, argv, resultsDir);
  const all: Record<string, string> = Object.fromEntries(
    argv.map((a) => {
      const at = a.indexOf('=');
      return at < 0 ? [a.replace(/^--/, ''), '1'] : [a.slice(0, at).replace(/^--/, ''), a.slice(at + 1)];
    }),
  );
  const baselineDist = all['baseline-dist'];
  const baselineLimits = all['baseline-limits'] as LimitsMode | undefined;
  // node flags for either side, comma-separated (e.g. --current-node-args=--min-semi-space-size=4)
  const nodeArgs = (name: string): string[] => (all[name] ? all[name].split(',').filter(Boolean) : []);
  const baselineArgs = nodeArgs('baseline-node-args');
  const currentArgs = nodeArgs('current-node-args');
  // environment for either side, comma-separated NAME=value (e.g. --current-env=USAGE_SYNCHRONOUS_COMMIT=off)
  const envOf = (name: string): Record<string, string> =>
    Object.fromEntries(nodeArgs(name).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
  const baselineEnv = envOf('baseline-env');
  const currentEnv = envOf('current-env');
  const sameBuild = !baselineDist && !baselineLimits && baselineArgs.length + currentArgs.length === 0;
  if (sameBuild && Object.keys({ ...baselineEnv, ...currentEnv }).length === 0) {
    throw new Error(
      '--baseline-dist=<dist directory of the other build>, --baseline-limits=<mode>, --current-node-args=<flags> or --current-env=<NAME=value> is required',
    );
  }
  if (baselineLimits && baselineLimits !== 'in-memory' && baselineLimits !== 'redis') throw new Error('--baseline-limits: in-memory or redis');
  const rounds = Number(all.rounds ?? 3);
  const requests = Number(all.requests ?? 3000);
  const connections = Number(all['ab-connections'] ?? 10);
  const streams = Number(all['ab-streams'] ?? 0);
  let db: BenchDatabase | undefined;
  let baselineDb: BenchDatabase | undefined;
  try {
    const up = await startUpstream(config, (d) => (db = d));
    if (baselineDist) baselineDb = await createBenchDatabase(config.databaseUrl);
    const mode = config.limitsModes[0];
    const baselineMode = baselineLimits ?? mode;
    const hubs: Hub[] = [
      await startHub(config, up, baselineMode, baselineDist ? path.resolve(baselineDist) : undefined, 'baseline', baselineDb?.url, baselineArgs, baselineEnv),
      await startHub(config, up, mode, undefined, 'current', undefined, currentArgs, currentEnv),
    ];
    const sides: Side[] = [
      { name: 'proxy', pid: up.proxy.pid, target: chatTarget('proxy', up.proxyUrl, SIM_KEY, 'gpt-4o-mini') },
      ...hubs.map((h, i) => ({
        name: i === 0 ? 'baseline' : 'current',
        pid: h.app.pid,
        target: chatTarget('llmhub', h.appUrl, h.apiKey, 'openai/gpt-4o-mini'),
      })),
    ];
    const limitsLabel = baselineMode === mode ? mode : `baseline ${baselineMode}, current ${mode}`;
    log(`limits ${limitsLabel}; warm-up, then ${rounds} rounds of ${requests} requests at ${connections} connections per side`);
    if (rounds > 0) for (const side of sides) await runLoad(side.target, connections, 0, { amount: Math.min(2000, requests) });
    const samples = new Map<string, Sample[]>(sides.map((s) => [s.name, []]));
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? sides : [sides[0], sides[2], sides[1]];
      for (const side of order) {
        const s = await measure(side, connections, requests);
        samples.get(side.name)!.push(s);
        log(
          `round ${r + 1} ${side.name.padEnd(8)} CPU ${s.cpuMsPerRequest} ms/req, ${s.requestsPerS} req/s, ` +
            `p50 ${s.p50} ms${s.errors ? `, ${s.errors} errors` : ''}`,
        );
      }
    }
    if (rounds > 0) printLoad(sides, samples, rounds);
    if (streams > 0) {
      log(`${streams} uncounted, then ${streams} counted streams per side, taking turns`);
      const ttfb = await streamTurns(sides, streams);
      const proxy = summarize(ttfb.get('proxy')!);
      const rows = ['', 'side      stream TTFB p50 ms  p99 ms  p50 over the proxy'];
      for (const side of sides) {
        const s = summarize(ttfb.get(side.name)!);
        rows.push(
          [side.name.padEnd(8), String(round(s.p50)).padStart(18), String(round(s.p99)).padStart(6), String(round(s.p50 - proxy.p50)).padStart(18)].join('  '),
        );
      }
      process.stdout.write(`${rows.join('\n')}\n`);
    }
  } finally {
    await stopAll();
    for (const d of [db, baselineDb]) if (d) await d.drop().catch(() => undefined);
  }
}

process.on('exit', killAllNow);
main().catch(async (err: unknown) => {
  log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  await stopAll();
  process.exit(1);
});
