/** Targets as checks, and the printed summary of a benchmark run. */
import path from 'node:path';
import { commitKind, type BenchConfig } from './config';
import { renderTable, verdict, type Check } from './report';
import type { LoadResult } from './load';
import type { StreamResult } from './stream-ttfb';
import type { ComparedRun, ModeResult, Results } from './results-types';
import { round } from './stats';

const withCommit = (ms: number | undefined, config: BenchConfig) => (ms === undefined ? '' : `, ${ms} ms with a ${commitKind(config)} per call`);

const withVerdicts = (checks: Check[]) =>
  checks.map((c) => ({ ...c, measured: c.measured === null ? null : round(c.measured, 3) })).map((c) => ({ ...c, result: verdict(c) }));

/** The per-mode targets, as ratios to the bare proxy (req/s) or added over the direct call (latency). */
export function modeChecks(m: ModeResult, config: BenchConfig): ModeResult['checks'] {
  const checks: Check[] = [];
  const run = (c: number) => m.load?.runs.find((x) => x.connections === c);
  const one = run(1);
  checks.push({
    name: 'added p50 @1 conn',
    measured: one ? one.overheadMs.p50 : null,
    unit: 'ms',
    kind: 'max',
    target: 1,
    note: one
      ? `bare proxy adds ${one.proxyOverheadMs.p50} ms${withCommit(one.proxyCommitOverheadMs?.p50, config)}; ` +
        `direct ${round(one.direct.latencyMs.p50)} / LLMHub ${round(one.llmhub.latencyMs.p50)} ms`
      : undefined,
  });
  checks.push({
    name: 'added p99 @1 conn',
    measured: one ? one.overheadMs.p99 : null,
    unit: 'ms',
    kind: 'max',
    target: 3,
    note: one
      ? `bare proxy adds ${one.proxyOverheadMs.p99} ms${withCommit(one.proxyCommitOverheadMs?.p99, config)}; ` +
        `direct ${round(one.direct.latencyMs.p99)} / LLMHub ${round(one.llmhub.latencyMs.p99)} ms`
      : undefined,
  });
  for (const c of config.connections.filter((x) => x > 1)) {
    const x = run(c);
    checks.push({
      name: `req/s @${c} conns, % of bare proxy`,
      measured: x ? 100 * x.reqPerSRatioToProxy : null,
      unit: '%',
      kind: 'min',
      target: 25,
      note: x
        ? `LLMHub ${Math.round(x.llmhub.requestsPerS)} / proxy ${Math.round(x.proxy.requestsPerS)} / direct ${Math.round(x.direct.requestsPerS)} req/s`
        : undefined,
    });
  }
  const runs = [...(m.load?.runs ?? []), ...(m.streamLoad?.runs ?? [])];
  const failures = m.load || m.streamLoad ? runs.reduce((n, x) => n + x.llmhub.non2xx + x.llmhub.errors + x.llmhub.timeouts, 0) : null;
  checks.push({ name: 'LLMHub errors + non-2xx (all load runs)', measured: failures, unit: '', kind: 'max', target: 0 });
  const s = m.stream;
  checks.push({
    name: 'stream TTFB added p50',
    measured: s ? s.ttfbOverheadMs.p50 : null,
    unit: 'ms',
    kind: 'max',
    target: 1,
    note: s
      ? `bare proxy adds ${s.proxy.ttfbOverheadMs.p50} ms; LLMHub adds ${s.ttfbOverheadMs.p99} ms at p99 (percentile minus percentile); ` +
        `first content chunk p50 +${s.firstChunkOverheadMs.p50} ms`
      : undefined,
  });
  checks.push({
    name: 'stream chunks held back (runs)',
    measured: s ? s.chunkCountMismatches + s.gapCheck.chunkCountMismatches + (s.gapCheck.ok ? 0 : 1) : null,
    unit: '',
    kind: 'max',
    target: 0,
    note: s
      ? `gaps direct p50 ${round(s.gapCheck.directGapsMs.p50, 1)} / LLMHub p50 ${round(s.gapCheck.llmhubGapsMs.p50, 1)} ms; ` +
        `worst gap diff p50 ${round(s.gapCheck.maxGapDifferenceMs.p50, 1)} ms`
      : undefined,
  });
  checks.push({
    name: `LLMHub max RSS @${Math.max(...config.connections)} conns`,
    measured: m.memory.maxRssMbAtPeakLoad,
    unit: 'MB',
    kind: 'max',
    target: 250,
    note: `max over this mode ${round(m.memory.maxRssMbOverall, 1)} MB`,
  });
  return withVerdicts(checks);
}

export function globalChecks(r: Results): Results['checks'] {
  const checks: Check[] = [];
  const i = r.ingest;
  checks.push({
    name: 'ingest via UsageRecorder.record()',
    measured: i ? i.recorder.recordsPerS : null,
    unit: 'rec/s',
    kind: 'min',
    target: 10_000,
    note: i ? `${i.recorder.records} records, ${i.recorder.concurrency} concurrent${i.recorder.spooled ? ', SPOOLED' : ''}` : undefined,
  });
  checks.push({
    name: 'ingest via seed path (insertBatch 5k)',
    measured: i?.seed ? i.seed.recordsPerS : null,
    unit: 'rec/s',
    kind: 'min',
    target: 10_000,
    note: i?.seed ? `${i.seed.records} records` : undefined,
  });
  const rep = r.report;
  const full = rep ? rep.rowsInLog >= 10_000_000 : false;
  checks.push({
    name: '30-day daily report p50 (HTTP)',
    measured: rep ? rep.httpMs.p50 : null,
    unit: 'ms',
    kind: 'max',
    target: 50,
    note: rep
      ? `${rep.rowsInLog.toLocaleString('en-US')} log rows${full ? '' : ' (not the full 10M: BENCH_REPORT_ROWS=10000000)'}; ` +
        `query alone p50 ${round(rep.serviceMs.p50, 2)} ms; seeded rows folded into the rollups in ${rep.foldSeconds} s`
      : undefined,
  });
  return withVerdicts(checks);
}

const num = (v: number, width: number, digits = 3) => v.toFixed(digits).padStart(width);

/** Column widths of a table of ComparedRun rows, to sit under its header. */
interface Columns {
  rate: number;
  p50: number;
  cpu: number;
}
const LOAD_COLUMNS: Columns = { rate: 7, p50: 7, cpu: 10 };
const STREAM_LOAD_COLUMNS: Columns = { rate: 9, p50: 6, cpu: 13 };

/**
 * One side's row: its rate and latencies, failures, CPU per call (proxy, another gateway, LLMHub) and, for LLMHub
 * and another gateway, the share of the proxy's rate.
 */
function sideRow(run: ComparedRun, side: LoadResult, widths: Columns): string {
  const peer = run.peer?.result === side ? run.peer : undefined;
  // a side that answered nothing has no CPU per call
  const cpu =
    side.requests === 0
      ? null
      : side === run.llmhub
        ? run.llmhubCpuMsPerRequest
        : side === run.proxy
          ? run.proxyCpuMsPerRequest
          : (peer?.cpuMsPerRequest ?? null);
  const share = side.requests === 0 ? undefined : side === run.llmhub ? run.reqPerSRatioToProxy : peer?.reqPerSRatioToProxy;
  const cells = [
    String(run.connections).padStart(5),
    side.label.padEnd(12),
    String(Math.round(side.requestsPerS)).padStart(widths.rate),
    num(side.latencyMs.p50, widths.p50),
    num(side.latencyMs.p90, 7),
    num(side.latencyMs.p99, 7),
    String(side.non2xx).padStart(7),
    String(side.errors + side.timeouts).padStart(6),
    cpu === null ? ''.padStart(widths.cpu) : num(cpu, widths.cpu, 2),
    share === undefined ? '' : `${(100 * share).toFixed(1)}%`,
  ];
  return cells.join('  ').trimEnd();
}

/** LLMHub's rate beside the other gateway's, which does not do what LLMHub does on each call unless it is set up to. */
function peerShare(run: ComparedRun, unit: string): string {
  const peer = run.peer!;
  const name = peer.result.label;
  if (peer.llmhubReqPerSRatioToPeer === null) {
    const codes = Object.entries(peer.result.statusCodes).map(([code, count]) => `${count} × ${code}`);
    return `       ${name} answered none of its calls (${[...codes, `${peer.result.errors} errors`].join(', ')}): see bench/results/peer-${name}.log`;
  }
  return `       LLMHub's ${unit}: ${(100 * peer.llmhubReqPerSRatioToPeer).toFixed(1)}% of ${name}'s`;
}

/** The other gateway's first byte and first content chunk in the stream scenario, beside the proxy's and LLMHub's. */
function peerStreamLine(stream: StreamResult): string {
  const peer = stream.peer!;
  const failed = peer.non2xx > 0 ? `; ${peer.non2xx} of ${stream.runs} answered with an error, whose first byte is counted too` : '';
  return (
    `stream (sequential, ${stream.runs} runs a side): first byte added p50 / p99: ` +
    `proxy ${stream.proxy.ttfbOverheadMs.p50} / ${stream.proxy.ttfbOverheadMs.p99} ms, ` +
    `${peer.label} ${peer.ttfbOverheadMs.p50} / ${peer.ttfbOverheadMs.p99} ms, LLMHub ${stream.ttfbOverheadMs.p50} / ${stream.ttfbOverheadMs.p99} ms; ` +
    `first content chunk p50: ${peer.label} ${Number.isNaN(peer.firstChunkOverheadMs.p50) ? 'none arrived' : `+${peer.firstChunkOverheadMs.p50} ms`}, ` +
    `LLMHub +${stream.firstChunkOverheadMs.p50} ms; ` +
    `${peer.label}'s chunk count differed from the simulator's in ${peer.chunkCountMismatches} runs${failed}`
  );
}

/** How the simulator spaced a stream's events in a stream-load run. */
export function streamSpacing(chunkDelayMs: number): string {
  return chunkDelayMs > 0 ? `, the provider's events ${chunkDelayMs} ms apart` : ", the provider's whole answer in one write";
}

export function printSummary(r: Results, config: BenchConfig, out: string, model: string): void {
  const lines = [
    '',
    `LLMHub benchmark${r.quick ? ' (--quick smoke: short runs, figures are rough)' : ''} — ${r.startedAt} — ` +
      `node ${r.machine.node}, ${r.machine.cpus} CPU(s) ${r.machine.cpuModel}`,
    `LOG_LEVEL=${config.logLevel}; USAGE_SYNCHRONOUS_COMMIT=${config.usageSynchronousCommit}; ` +
      `load ${config.durationS} s per side per connection count in ${config.loadRounds} interleaved round(s); ` +
      `model ${model}, max_tokens 16; ` +
      (config.upstreamLatencyMs > 0 ? `the simulator answers load calls after ${config.upstreamLatencyMs} ms; ` : '') +
      'sides: direct to the simulator, bare proxy (node:http + undici Pool), at 1 connection the same proxy committing a row per call, ' +
      (config.peer ? `${config.peer.name} (started by: ${config.peer.command}), ` : '') +
      'LLMHub',
  ];
  for (const m of r.modes) {
    lines.push('', `== limits: ${m.limitsMode}`, '');
    if (m.load) {
      lines.push('conns  side          req/s      p50 ms   p90 ms   p99 ms   non-2xx  errors  CPU ms/req  vs proxy');
      for (const run of m.load.runs) {
        for (const side of [run.direct, run.proxy, ...(run.proxyCommit ? [run.proxyCommit] : []), ...(run.peer ? [run.peer.result] : []), run.llmhub]) {
          lines.push(sideRow(run, side, LOAD_COLUMNS));
        }
        lines.push(
          `       added over direct: proxy p50 ${run.proxyOverheadMs.p50} / p99 ${run.proxyOverheadMs.p99} ms; ` +
            (run.proxyCommitOverheadMs ? `proxy+commit p50 ${run.proxyCommitOverheadMs.p50} / p99 ${run.proxyCommitOverheadMs.p99} ms; ` : '') +
            (run.peer ? `${run.peer.result.label} p50 ${run.peer.overheadMs.p50} / p99 ${run.peer.overheadMs.p99} ms; ` : '') +
            `LLMHub p50 ${run.overheadMs.p50} / p99 ${run.overheadMs.p99} ms`,
        );
        if (run.peer) lines.push(peerShare(run, 'req/s'));
      }
      lines.push('');
    }
    if (m.stream?.peer) lines.push(peerStreamLine(m.stream), '');
    const streamRuns = m.streamLoad?.runs ?? [];
    for (const delay of new Set(streamRuns.map((run) => run.chunkDelayMs))) {
      lines.push(
        `stream load: \`stream: true\` calls without pause, each stream read to its end${streamSpacing(delay)}; no target`,
        'conns  side          streams/s  p50 ms   p90 ms   p99 ms   non-2xx  errors  CPU ms/stream  vs proxy',
      );
      for (const run of streamRuns.filter((r) => r.chunkDelayMs === delay)) {
        for (const side of [run.direct, run.proxy, ...(run.peer ? [run.peer.result] : []), run.llmhub]) lines.push(sideRow(run, side, STREAM_LOAD_COLUMNS));
        if (run.peer) lines.push(peerShare(run, 'streams/s'));
      }
      lines.push('');
    }
    if (m.burst) {
      const b = m.burst;
      lines.push(
        `burst: ${b.connections} new connections at once, each calling for ${b.durationS} s (${b.rounds} round(s) per side); no target`,
        'side          first answer p50 ms   max ms   never   calls p50 ms   p99 ms   max ms  non-2xx  errors',
      );
      for (const side of [b.direct, b.proxy, b.llmhub]) {
        const cells = [
          side.label.padEnd(12),
          num(side.firstAnswerMs.p50, 19, 1),
          num(side.firstAnswerMs.max, 7, 1),
          String(side.neverAnswered).padStart(6),
          num(side.latencyMs.p50, 13, 1),
          num(side.latencyMs.p99, 7, 1),
          num(side.latencyMs.max, 7, 1),
          String(side.non2xx).padStart(7),
          String(side.errors + side.timeouts).padStart(6),
        ];
        lines.push(cells.join('  '));
      }
      lines.push('');
    }
    lines.push(renderTable(m.checks), '');
    if (m.profile) {
      // a stream-load profile covers the runs with the first pause listed
      const spacing = config.profileScenario === 'stream-load' ? streamSpacing(config.streamLoadChunkDelaysMs[0]) : '';
      const run = `the ${config.profileScenario} scenario's ${config.profileConnections}-connection run${spacing}`;
      lines.push(`CPU profile of LLMHub during ${run} (${m.profile.file}), top self time:`);
      for (const f of m.profile.topFunctions.slice(0, 15)) lines.push(`  ${f.percent.toFixed(1).padStart(5)}%  ${f.name}`);
      lines.push('  by module:');
      for (const mod of m.profile.topModules.slice(0, 10)) lines.push(`  ${mod.percent.toFixed(1).padStart(5)}%  ${mod.name}`);
      lines.push('');
    }
  }
  if (r.commitMs)
    lines.push(
      `one durable commit on this database: p50 ${round(r.commitMs.p50)} ms, p99 ${round(r.commitMs.p99)} ms — LLMHub answers after its usage record commits`,
      '',
    );
  if (r.checks.some((c) => c.measured !== null)) lines.push(renderTable(r.checks), '');
  for (const err of r.errors) lines.push(`ERROR ${err}`);
  lines.push(`results: ${path.relative(process.cwd(), out) || out}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
