/** The shape of bench/results/latest.json. */
import type { LimitsMode } from './config';
import type { IngestResult } from './ingest';
import type { LoadResult } from './load';
import type { ProfileSummary } from './profile-summary';
import type { Check } from './report';
import type { ReportSeedResult } from './report-query';
import type { Percentiles } from './stats';
import type { StreamResult } from './stream-ttfb';

type Added = { p50: number; p90: number; p99: number };

/** One connection count, the sides side by side: what the load and stream-load scenarios both report. */
export interface ComparedRun {
  connections: number;
  direct: LoadResult;
  proxy: LoadResult;
  llmhub: LoadResult;
  /** LLMHub's req/s (streams/s) as a share of the bare proxy's, same run */
  reqPerSRatioToProxy: number;
  llmhubMaxRssMb: number;
  llmhubCpuMsPerRequest: number;
  proxyCpuMsPerRequest: number;
  /** another gateway set beside LLMHub (BENCH_PEER_COMMAND), measured in the same slices */
  peer?: PeerSide;
}

/** The other gateway's side of a run; its result's label is its name. */
export interface PeerSide {
  result: LoadResult;
  cpuMsPerRequest: number;
  /** its req/s (streams/s) as a share of the bare proxy's */
  reqPerSRatioToProxy: number;
  /** LLMHub's req/s (streams/s) as a share of its; null when it answered none of its calls */
  llmhubReqPerSRatioToPeer: number | null;
  /** latency it adds over the direct call, same percentile */
  overheadMs: Added;
}

export interface LoadRun extends ComparedRun {
  /** latency added over the direct call, same percentile */
  overheadMs: Added;
  proxyOverheadMs: Added;
  /** at 1 connection: the bare proxy that commits a row per call before answering (the floor under LLMHub's durable record) */
  proxyCommit?: LoadResult;
  proxyCommitOverheadMs?: Added;
  llmhubCpuCores: number;
}

/** Streamed calls without pause at one connection count: whole streams per second, side by side. */
export interface StreamLoadRun extends ComparedRun {
  /** the simulator's pause between a stream's events (0: the whole answer in one write) */
  chunkDelayMs: number;
}

/** One side of a burst: its calls, and how long each connection waited for its first answer. */
export interface BurstSide extends LoadResult {
  /** per connection, from the start of its round to its first answer */
  firstAnswerMs: Percentiles;
  /** connections that got no answer in their round */
  neverAnswered: number;
}

/** New connections arriving all at once, each then calling without pause: how long the last of them waits. */
export interface BurstRun {
  connections: number;
  durationS: number;
  rounds: number;
  direct: BurstSide;
  proxy: BurstSide;
  llmhub: BurstSide;
}

/** Everything measured against one LLMHub process (one limits mode). */
export interface ModeResult {
  limitsMode: LimitsMode;
  gatewayCheck: { ok: boolean; detail: string };
  load: { warmup?: Record<'direct' | 'proxy' | 'llmhub', LoadResult> & { peer?: LoadResult }; runs: LoadRun[] } | null;
  stream: StreamResult | null;
  streamLoad: { runs: StreamLoadRun[] } | null;
  burst: BurstRun | null;
  memory: { maxRssMbAtPeakLoad: number | null; maxRssMbOverall: number; rssMbAtEnd: number };
  profile: (ProfileSummary & { file: string }) | null;
  checks: (Check & { result: string })[];
}

export interface Results {
  startedAt: string;
  finishedAt?: string;
  quick: boolean;
  machine: { node: string; cpus: number; cpuModel: string };
  settings: Record<string, unknown>;
  modes: ModeResult[];
  /** one durable single-row commit on the bench database: a floor under the 1-connection overhead */
  commitMs: Percentiles | null;
  ingest: IngestResult | null;
  report: (ReportSeedResult & { httpMs: Percentiles }) | null;
  /** ingest and report targets (independent of the limits mode) */
  checks: (Check & { result: string })[];
  errors: string[];
}
