/**
 * Streaming: a minimal keep-alive HTTP client that timestamps the first body
 * byte, every SSE content chunk and the last byte of a `stream: true` chat
 * completion, direct to the simulator, through the bare proxy and through
 * LLMHub, interleaved.
 */
import { Agent, request } from 'node:http';
import { round, summarize, type Percentiles } from './stats';
import type { Target } from './load';

export interface StreamSample {
  status: number;
  ttfbMs: number;
  firstChunkMs: number;
  lastByteMs: number;
  /** arrival time (ms from request start) of each SSE event carrying non-empty delta.content */
  chunkTimes: number[];
}

const REQUEST_TIMEOUT_MS = 30_000;

export function withStream(target: Target, extraText = ''): { body: string } & Target {
  const body = JSON.parse(target.body) as { messages: { content: string }[] };
  body.messages[body.messages.length - 1].content += extraText;
  return { ...target, body: JSON.stringify({ ...body, stream: true }) };
}

/** Parses complete SSE events out of buf; calls onContent per content-bearing event; returns the rest. */
function drainEvents(buf: string, onContent: () => void): string {
  let end: number;
  while ((end = buf.indexOf('\n\n')) >= 0) {
    const event = buf.slice(0, end);
    buf = buf.slice(end + 2);
    for (const line of event.split('\n')) {
      if (!line.startsWith('data:')) continue;
      const data = line.slice(5).trim();
      if (data === '[DONE]') continue;
      try {
        const parsed = JSON.parse(data) as { choices?: { delta?: { content?: string | null } }[] };
        if (parsed.choices?.some((c) => typeof c.delta?.content === 'string' && c.delta.content.length > 0)) onContent();
      } catch {
        // not JSON: not a content chunk
      }
    }
  }
  return buf;
}

export function streamOnce(target: Target, agent: Agent): Promise<StreamSample> {
  return new Promise((resolve, reject) => {
    const url = new URL(target.url);
    const start = process.hrtime.bigint();
    const since = (): number => Number(process.hrtime.bigint() - start) / 1e6;
    const sample: StreamSample = { status: 0, ttfbMs: Number.NaN, firstChunkMs: Number.NaN, lastByteMs: Number.NaN, chunkTimes: [] };
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent,
        headers: { ...target.headers, 'content-length': Buffer.byteLength(target.body) },
      },
      (res) => {
        sample.status = res.statusCode ?? 0;
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          const t = since();
          if (Number.isNaN(sample.ttfbMs)) sample.ttfbMs = t;
          buf = drainEvents(buf + chunk.replace(/\r\n/g, '\n'), () => sample.chunkTimes.push(t));
        });
        res.on('end', () => {
          sample.lastByteMs = since();
          sample.firstChunkMs = sample.chunkTimes[0] ?? Number.NaN;
          resolve(sample);
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`stream request timed out after ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(target.body);
  });
}

export interface StreamSideResult {
  ttfbMs: Percentiles;
  firstChunkMs: Percentiles;
  lastByteMs: Percentiles;
  chunksPerResponse: number[];
  non2xx: number;
}

export interface StreamResult {
  /** streams per side before the measured runs, not counted */
  warmupRuns: number;
  runs: number;
  direct: StreamSideResult;
  /** the bare proxy, same runs, for reference */
  proxy: StreamSideResult & { ttfbOverheadMs: { p50: number; p99: number }; chunkCountMismatches: number };
  llmhub: StreamSideResult;
  /** another gateway set beside LLMHub (BENCH_PEER_COMMAND), same runs; its label is its name */
  peer?: PeerStreamResult;
  ttfbOverheadMs: { p50: number; p99: number };
  firstChunkOverheadMs: { p50: number; p99: number };
  /** runs where LLMHub delivered a different number of content chunks than the simulator sent */
  chunkCountMismatches: number;
  gapCheck: GapCheck;
}

export interface PeerStreamResult extends StreamSideResult {
  label: string;
  ttfbOverheadMs: { p50: number; p99: number };
  firstChunkOverheadMs: { p50: number; p99: number };
  /** runs where it delivered a different number of content chunks than the simulator sent */
  chunkCountMismatches: number;
}

export interface GapCheck {
  directive: string;
  runs: number;
  directGapsMs: Percentiles;
  llmhubGapsMs: Percentiles;
  /** per run, the largest |LLMHub gap − direct gap| over chunk positions; summarized over runs */
  maxGapDifferenceMs: Percentiles;
  chunkCountMismatches: number;
  /** every chunk arrived on its own (counts equal, gaps within tolerance) */
  ok: boolean;
}

const GAP_DIRECTIVE = ' [[sim:chunks=5;chunk_delay_ms=20]]';
const GAP_TOLERANCE_MS = 5;

function side(samples: StreamSample[]): StreamSideResult {
  return {
    ttfbMs: summarize(samples.map((s) => s.ttfbMs)),
    firstChunkMs: summarize(samples.map((s) => s.firstChunkMs)),
    lastByteMs: summarize(samples.map((s) => s.lastByteMs)),
    chunksPerResponse: [...new Set(samples.map((s) => s.chunkTimes.length))],
    non2xx: samples.filter((s) => s.status < 200 || s.status >= 300).length,
  };
}

function gaps(times: readonly number[]): number[] {
  return times.slice(1).map((t, i) => t - times[i]);
}

/** p50 and p99 of a side's figure minus the direct call's */
function addedOver(side_: Percentiles, direct: Percentiles): { p50: number; p99: number } {
  return { p50: round(side_.p50 - direct.p50), p99: round(side_.p99 - direct.p99) };
}

export async function runStreaming(
  direct: Target,
  proxy: Target,
  llmhub: Target,
  runs: number,
  gapRuns: number,
  warmupRuns = 0,
  peer?: Target,
): Promise<StreamResult> {
  const agent = () => new Agent({ keepAlive: true, maxSockets: 1 });
  const agents = { direct: agent(), proxy: agent(), llmhub: agent(), peer: agent() };
  try {
    const d = withStream(direct, '');
    const p = withStream(proxy, '');
    const h = withStream(llmhub, '');
    const o = peer && withStream(peer, '');
    // as the load scenario's warm-up: what is measured is a process that has served streams before, not V8 compiling their code
    for (let i = 0; i < warmupRuns; i++) {
      await streamOnce(d, agents.direct);
      await streamOnce(p, agents.proxy);
      if (o) await streamOnce(o, agents.peer);
      await streamOnce(h, agents.llmhub);
    }
    const ds: StreamSample[] = [];
    const ps: StreamSample[] = [];
    const hs: StreamSample[] = [];
    const os: StreamSample[] = [];
    let mismatches = 0;
    let proxyMismatches = 0;
    let peerMismatches = 0;
    for (let i = 0; i < runs; i++) {
      const a = await streamOnce(d, agents.direct);
      const c = await streamOnce(p, agents.proxy);
      if (o) {
        const e = await streamOnce(o, agents.peer);
        os.push(e);
        if (a.chunkTimes.length !== e.chunkTimes.length) peerMismatches++;
      }
      const b = await streamOnce(h, agents.llmhub);
      ds.push(a);
      ps.push(c);
      hs.push(b);
      if (a.chunkTimes.length !== b.chunkTimes.length) mismatches++;
      if (a.chunkTimes.length !== c.chunkTimes.length) proxyMismatches++;
    }
    const direct_ = side(ds);
    const proxy_ = side(ps);
    const hub = side(hs);
    const other = o && side(os);

    const dg = withStream(direct, GAP_DIRECTIVE);
    const hg = withStream(llmhub, GAP_DIRECTIVE);
    const dGaps: number[] = [];
    const hGaps: number[] = [];
    const maxDiffs: number[] = [];
    let gapMismatches = 0;
    for (let i = 0; i < gapRuns; i++) {
      const a = gaps((await streamOnce(dg, agents.direct)).chunkTimes);
      const b = gaps((await streamOnce(hg, agents.llmhub)).chunkTimes);
      dGaps.push(...a);
      hGaps.push(...b);
      if (a.length !== b.length) gapMismatches++;
      maxDiffs.push(Math.max(0, ...a.map((g, j) => Math.abs((b[j] ?? 0) - g))));
    }
    const maxGapDifferenceMs = summarize(maxDiffs);
    return {
      warmupRuns,
      runs,
      direct: direct_,
      proxy: { ...proxy_, ttfbOverheadMs: addedOver(proxy_.ttfbMs, direct_.ttfbMs), chunkCountMismatches: proxyMismatches },
      llmhub: hub,
      ...(o && other
        ? {
            peer: {
              ...other,
              label: o.label,
              ttfbOverheadMs: addedOver(other.ttfbMs, direct_.ttfbMs),
              firstChunkOverheadMs: addedOver(other.firstChunkMs, direct_.firstChunkMs),
              chunkCountMismatches: peerMismatches,
            },
          }
        : {}),
      ttfbOverheadMs: addedOver(hub.ttfbMs, direct_.ttfbMs),
      firstChunkOverheadMs: addedOver(hub.firstChunkMs, direct_.firstChunkMs),
      chunkCountMismatches: mismatches,
      gapCheck: {
        directive: GAP_DIRECTIVE.trim(),
        runs: gapRuns,
        directGapsMs: summarize(dGaps),
        llmhubGapsMs: summarize(hGaps),
        maxGapDifferenceMs,
        chunkCountMismatches: gapMismatches,
        ok: gapMismatches === 0 && dGaps.length > 0 && maxGapDifferenceMs.p50 <= GAP_TOLERANCE_MS,
      },
    };
  } finally {
    for (const a of Object.values(agents)) a.destroy();
  }
}
