/**
 * Load with autocannon (non-streaming calls, and streamed ones read to their end). Latencies come from autocannon's
 * per-response event (float milliseconds), not its integer-ms histogram, so
 * sub-millisecond overheads are visible.
 */
import autocannon from 'autocannon';
import { round, summarize, type Percentiles } from './stats';

export interface Target {
  /** direct, proxy, proxy+commit, llmhub, or the name of another gateway set beside LLMHub */
  label: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface LoadResult {
  label: string;
  connections: number;
  durationS: number;
  requests: number;
  requestsPerS: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  latencyMs: Percentiles;
}

/** Latencies kept per run; beyond this only counts are kept (bounded memory). */
const MAX_SAMPLES = 2_000_000;

export function chatTarget(label: Target['label'], baseUrl: string, token: string, model: string, extraText = ''): Target {
  return {
    label,
    url: `${baseUrl}/v1/chat/completions`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model,
      messages: [{ role: 'user', content: `Say hello to the benchmark in a few words.${extraText}` }],
      max_tokens: 16,
    }),
  };
}

export interface LoadOptions {
  /** send this many requests instead of running for durationS */
  amount?: number;
  /** also receives every latency (for percentiles pooled over several runs) */
  latencies?: number[];
  /** receives, for each connection, the ms from the start to its first answer (how long it waited to be served at all) */
  firstAnswers?: number[];
}

export async function runLoad(target: Target, connections: number, durationS: number, options: LoadOptions = {}): Promise<LoadResult> {
  const { amount, latencies: sink, firstAnswers } = options;
  const latencies: number[] = [];
  const answered = new Set<unknown>();
  let ok = 0;
  const instance = autocannon({
    url: target.url,
    method: 'POST',
    headers: target.headers,
    body: target.body,
    connections,
    pipelining: 1,
    ...(amount ? { amount } : { duration: durationS }),
    timeout: 10,
  });
  const started = process.hrtime.bigint();
  instance.on('response', (client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode >= 200 && statusCode < 300) ok++;
    if (latencies.length < MAX_SAMPLES) latencies.push(responseTime);
    sink?.push(responseTime);
    if (firstAnswers && !answered.has(client)) {
      answered.add(client);
      firstAnswers.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  });
  const result = await instance;
  const elapsedS = Number(process.hrtime.bigint() - started) / 1e9;
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stat.count;
  return {
    label: target.label,
    connections,
    durationS: round(elapsedS, 2),
    requests: ok,
    requestsPerS: round(ok / elapsedS, 1),
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes,
    latencyMs: summarize(latencies),
  };
}

/**
 * One side's slices of an interleaved load, as one result: counts summed, req/s over the slices'
 * total time, percentiles over every latency of every slice (`pooled`).
 */
export function mergeSlices(slices: readonly LoadResult[], pooled: readonly number[]): LoadResult {
  const first = slices[0];
  const sum = (pick: (r: LoadResult) => number): number => slices.reduce((total, r) => total + pick(r), 0);
  const durationS = sum((r) => r.durationS);
  const requests = sum((r) => r.requests);
  const statusCodes: Record<string, number> = {};
  for (const r of slices) for (const [code, count] of Object.entries(r.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + count;
  return {
    label: first.label,
    connections: first.connections,
    durationS: round(durationS, 2),
    requests,
    requestsPerS: round(requests / Math.max(durationS, 1e-9), 1),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    non2xx: sum((r) => r.non2xx),
    statusCodes,
    latencyMs: summarize(pooled),
  };
}
