import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { JobHealth, JobsReport, JobState } from './job-health.service';
import type { UsageRecord } from './usage-record';
import { boundCounter, boundDecimalCounter, boundHistogram } from './bound-metrics';
import { COST_SCALE } from './fixed-decimal';

export type LimitKind = 'rpm' | 'tpm' | 'budget';

/** Read by the queue-depth and spool gauges at scrape time. */
export interface RecorderGauges {
  queueDepth(): number;
  spoolBytes(): number;
}

/** Read by the shared-limits gauges at scrape time (LimitsService). */
export interface LimitsGauges {
  /** 1: limits shared through Redis; 0: Redis configured but not answering (per-instance limits); null: no Redis configured */
  shared(): 0 | 1 | null;
  /** settlements and spend kept for Redis while it did not answer */
  redisBacklog(): number;
}

type CounterChild = (amount?: number) => void;
type HistogramChild = (value: number) => void;

interface ModelMetrics {
  labels: { provider: string; model: string };
  generations: Map<string, CounterChild>;
  latency: HistogramChild;
  inputTokens: CounterChild;
  outputTokens: CounterChild;
  /** adds a cost in USD (decimal string) exactly */
  cost: (usd: string) => void;
  priceUnknown: CounterChild;
}

/**
 * Each model label costs a few kilobytes for the life of the process (six series, one a histogram),
 * and a caller chooses the model name: a model gets its own label from its first answered call, up to
 * this many; every other call (refused, failed, or past the cap) counts under `model="other"`.
 */
export const MAX_MODEL_LABELS = 500;
export const OTHER_MODEL = 'other';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** LLMHub's own time per request is expected well under a millisecond to a few milliseconds. */
const OVERHEAD_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/**
 * Prometheus metrics (GET /metrics). One Registry per application instance, so
 * several apps in one process (the tests) do not collide. Tokens, cost,
 * statuses and price_unknown are counted from the UsageRecords the recorder
 * receives; the gateway adds what never becomes a record of its own (retried
 * upstream attempts, limit checks).
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private recorder: RecorderGauges | undefined;
  private readonly httpBound = new Map<string, { count: CounterChild; duration: HistogramChild }>();
  private readonly modelBound = new Map<string, ModelMetrics>();

  private readonly httpRequests = new Counter({
    name: 'llmhub_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly httpDuration = new Histogram({
    name: 'llmhub_http_request_duration_seconds',
    help: 'HTTP request duration by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly overhead: Histogram = new Histogram({
    name: 'llmhub_gateway_overhead_seconds',
    help: "LLMHub's own time per response, upstream time excluded (the x-llmhub-overhead-ms header; for a stream, the time before its first byte)",
    buckets: OVERHEAD_BUCKETS,
    registers: [this.registry],
  });
  private readonly generations = new Counter({
    name: 'llmhub_generations_total',
    help: 'Recorded calls by provider, model and status',
    labelNames: ['provider', 'model', 'status'] as const,
    registers: [this.registry],
  });
  private readonly generationLatency = new Histogram({
    name: 'llmhub_generation_duration_seconds',
    help: 'Latency of recorded calls by provider and model',
    labelNames: ['provider', 'model'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly tokens = new Counter({
    name: 'llmhub_tokens_total',
    help: 'Tokens by provider, model and direction',
    labelNames: ['provider', 'model', 'direction'] as const,
    registers: [this.registry],
  });
  private readonly cost = new Counter({
    name: 'llmhub_cost_usd_total',
    help: 'Cost in USD by provider and model since this process started (summed exactly, shown as the nearest float)',
    labelNames: ['provider', 'model'] as const,
    registers: [this.registry],
  });
  private readonly priceUnknown = new Counter({
    name: 'llmhub_price_unknown_total',
    help: 'Calls whose model had no known price',
    labelNames: ['provider', 'model'] as const,
    registers: [this.registry],
  });
  private readonly upstreamErrors = new Counter({
    name: 'llmhub_upstream_errors_total',
    help: 'Failed upstream attempts by provider and error code',
    labelNames: ['provider', 'code'] as const,
    registers: [this.registry],
  });
  private readonly rejected = new Counter({
    name: 'llmhub_rejected_requests_total',
    help: 'Recorded calls refused before reaching a provider, by status',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  private readonly refusalsUnrecorded = new Counter({
    name: 'llmhub_refused_calls_unrecorded_total',
    help: 'Calls refused without a valid API key that were not recorded in the usage log (more than 50 a second)',
    registers: [this.registry],
  });
  private readonly limitRejections = new Counter({
    name: 'llmhub_limit_rejections_total',
    help: 'Limit checks that refused a request, by limit',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'llmhub_' });
    // prom-client calls collect() with the gauge as `this`
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    new Gauge({
      name: 'llmhub_usage_queue_depth',
      help: 'Usage records waiting for a group commit',
      registers: [this.registry],
      collect() {
        this.set(self.recorder?.queueDepth() ?? 0);
      },
    });
    new Gauge({
      name: 'llmhub_usage_spool_bytes',
      help: 'Bytes of usage records spooled to disk awaiting replay',
      registers: [this.registry],
      collect() {
        this.set(self.recorder?.spoolBytes() ?? 0);
      },
    });
  }

  private readonly overheadBound = boundHistogram(this.overhead);

  /**
   * The bound series of a record's provider and model (bound-metrics.ts: the hot path skips prom-client's
   * label hashing and validation); a model not labelled yet gets its own only as MAX_MODEL_LABELS allows.
   */
  private modelMetrics(provider: string, r: UsageRecord): ModelMetrics {
    const model = r.model ?? 'none';
    const bound = this.modelBound.get(`${provider}\u0000${model}`);
    if (bound) return bound;
    if (r.model === null || (r.status === 'success' && this.modelBound.size < MAX_MODEL_LABELS)) return this.bind(provider, model);
    return this.modelBound.get(`${provider}\u0000${OTHER_MODEL}`) ?? this.bind(provider, OTHER_MODEL);
  }

  private bind(provider: string, model: string): ModelMetrics {
    const labels = { provider, model };
    const bound: ModelMetrics = {
      labels,
      generations: new Map(),
      latency: boundHistogram(this.generationLatency, labels),
      inputTokens: boundCounter(this.tokens, { ...labels, direction: 'input' }),
      outputTokens: boundCounter(this.tokens, { ...labels, direction: 'output' }),
      cost: boundDecimalCounter(this.cost, labels, COST_SCALE),
      priceUnknown: boundCounter(this.priceUnknown, labels),
    };
    this.modelBound.set(`${provider}\u0000${model}`, bound);
    return bound;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** The scheduled jobs' health, read at each scrape (JobHealthService caches it briefly). */
  attachJobs(report: () => Promise<JobsReport>): void {
    const state = (job: JobHealth, wanted: JobState) => (job.state === wanted ? 1 : 0);
    const gauge = (name: string, help: string, value: (job: JobHealth) => number | undefined) =>
      new Gauge({
        name,
        help,
        labelNames: ['job'] as const,
        registers: [this.registry],
        async collect() {
          this.reset();
          for (const job of (await report().catch(() => undefined))?.jobs ?? []) {
            const v = value(job);
            if (v !== undefined) this.set({ job: job.name }, v);
          }
        },
      });
    gauge('llmhub_job_failing', 'Scheduled jobs (rollup refresh or fold, retention) whose last run failed: 1', (j) => state(j, 'failing'));
    gauge('llmhub_job_overdue', 'Scheduled jobs that have not succeeded for more than two periods: 1', (j) => state(j, 'overdue'));
    gauge('llmhub_job_last_success_timestamp_seconds', 'When each scheduled job last succeeded (Unix seconds)', (j) =>
      j.last_success_at ? Date.parse(j.last_success_at) / 1000 : undefined,
    );
    new Gauge({
      name: 'llmhub_rollups_stale',
      help: 'Cost rollups behind because a refresh or fold job fails or is overdue: 1',
      registers: [this.registry],
      async collect() {
        const r = await report().catch(() => undefined);
        this.set(r?.rollups.stale ? 1 : 0);
      },
    });
  }

  attachLimits(limits: LimitsGauges): void {
    new Gauge({
      name: 'llmhub_limits_shared',
      help: 'Rate limits and budgets shared through Redis: 1; Redis configured but not answering (per-instance limits, budgets in PostgreSQL): 0',
      registers: [this.registry],
      collect() {
        const shared = limits.shared();
        if (shared === null) this.reset();
        else this.set(shared);
      },
    });
    new Gauge({
      name: 'llmhub_limits_redis_backlog',
      help: 'Budget settlements and spend kept for Redis while it did not answer, sent when it does',
      registers: [this.registry],
      collect() {
        this.set(limits.redisBacklog());
      },
    });
  }

  /**
   * Each provider circuit the router has: 1 while it refuses calls (open, or half-open with its one
   * probe call), 0 while closed. `circuit` is `generation`, or `token_count` for Anthropic's counts.
   */
  attachCircuits(circuits: () => readonly { provider: string; circuit: string; state: 'closed' | 'open' | 'half_open' }[]): void {
    new Gauge({
      name: 'llmhub_provider_circuit_open',
      help: 'Provider circuits open (calls refused with 503 provider_unavailable) or half-open: 1; closed: 0',
      labelNames: ['provider', 'circuit'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const c of circuits()) this.set({ provider: c.provider, circuit: c.circuit }, c.state === 'closed' ? 0 : 1);
      },
    });
  }

  attachRecorder(recorder: RecorderGauges): void {
    this.recorder = recorder;
  }

  observeHttp(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${route} ${status}`;
    let bound = this.httpBound.get(key);
    if (!bound) {
      bound = {
        count: boundCounter(this.httpRequests, { method, route, status: String(status) }),
        duration: boundHistogram(this.httpDuration, { method, route }),
      };
      this.httpBound.set(key, bound);
    }
    bound.count();
    bound.duration(seconds);
  }

  /** The x-llmhub-overhead-ms figure of one response, in seconds. */
  observeOverhead(seconds: number): void {
    this.overheadBound(seconds);
  }

  /** Called by the UsageRecorder for every record. */
  observeUsage(r: UsageRecord): void {
    const provider = r.provider ?? 'none';
    const bound = this.modelMetrics(provider, r);
    let generations = bound.generations.get(r.status);
    if (!generations) {
      generations = boundCounter(this.generations, { ...bound.labels, status: r.status });
      bound.generations.set(r.status, generations);
    }
    generations();
    if (r.status === 'success' || r.status === 'error') bound.latency(r.latencyMs / 1000);
    if (r.inputTokens > 0) bound.inputTokens(r.inputTokens);
    if (r.outputTokens > 0) bound.outputTokens(r.outputTokens);
    if (r.costUsd !== null) bound.cost(r.costUsd);
    if (r.priceUnknown) bound.priceUnknown();
    if (r.status === 'rate_limited' || r.status === 'budget_exceeded' || r.status === 'rejected') this.rejected.inc({ status: r.status });
  }

  /** One failed upstream attempt (including ones a retry or fallback recovered from). */
  upstreamError(provider: string, code: string): void {
    this.upstreamErrors.inc({ provider, code });
  }

  /** A refused call without a valid API key, past the rate at which they are recorded. */
  refusalNotRecorded(): void {
    this.refusalsUnrecorded.inc();
  }

  /** A limit check that refused a request, by which limit (rpm, tpm or budget). */
  limitRejection(kind: LimitKind): void {
    this.limitRejections.inc({ kind });
  }
}
