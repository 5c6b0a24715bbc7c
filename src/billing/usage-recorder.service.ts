import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import path from 'node:path';
import { PROCESS_ROLE, ProcessRole } from '../common/process-role';
import { withinTimeout } from '../common/within-timeout';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/env.schema';
import { MetricsService } from './metrics.service';
import type { UsageRecord } from './usage-record';
import { type CommitWait, UsageRepository } from './usage.repository';
import { UsageSpool } from './usage-spool';

interface Pending {
  record: UsageRecord;
  resolve(): void;
  reject(err: unknown): void;
}

export const MAX_BATCH = 500;
/** A batch the database has not answered within this goes to the spool (replay is idempotent). */
const INSERT_TIMEOUT_MS = 5_000;
const SPOOL_WARN_BYTES = 64 * 1024 * 1024;

/** Errors that say "this data is wrong", not "the database is unavailable". */
function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^(22|23|42)[0-9A-Z]{3}$/.test(code);
}

function isRetriableConflict(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === '40P01' || code === '40001';
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The one way usage reaches llm_generation_log. `record()` resolves
 * once its record is durable: committed together with the records of concurrent
 * requests (group commit: one insert in flight, the next batch collects behind
 * it), or, when the database is unreachable, fsync'd to a spool under DATA_DIR
 * that is replayed when the database is back and at the next start.
 */
@Injectable()
export class UsageRecorder implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(UsageRecorder.name);
  private readonly spool: UsageSpool;
  private readonly replaysSpool: boolean;
  private queue: Pending[] = [];
  private inFlight: Promise<void> | undefined;
  private scheduled = false;
  /** true after a failed insert: new batches go straight to disk until a replay succeeds */
  private degraded = false;
  private replaying: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private spoolWarnAt = SPOOL_WARN_BYTES;
  private closed = false;
  /** how many requests the server has open (set where the server is built; unknown: records always wait for their turn's others) */
  openRequests: () => number = () => Number.POSITIVE_INFINITY;
  /** how often a degraded recorder tries the database again */
  retryIntervalMs = 2_000;

  constructor(
    private readonly repository: UsageRepository,
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'dataDir'>,
    private readonly metrics: MetricsService,
    // a CLI command beside the server never renames, replays or deletes the spool the server appends to
    @Optional() @Inject(PROCESS_ROLE) role: ProcessRole = 'server',
  ) {
    this.replaysSpool = role === 'server';
    this.spool = new UsageSpool(path.resolve(config.dataDir, 'usage-spool'));
    metrics.attachRecorder({ queueDepth: () => this.queue.length, spoolBytes: () => this.spool.bytes });
  }

  record(record: UsageRecord): Promise<void> {
    const committed = new Promise<void>((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      // the only request open: no other record can join this one, which leaves now (the commit is the longest
      // step of such a call, and the rest of the turn it waited for was added to it). Otherwise records of the
      // same turn share the insert, and those that come while one is in flight share the next (group commit).
      if (!this.inFlight && this.openRequests() <= 1) this.pump();
      else this.schedule();
    });
    this.metrics.observeUsage(record);
    return committed;
  }

  get queueDepth(): number {
    return this.queue.length;
  }

  get spoolBytes(): number {
    return this.spool.bytes;
  }

  get isDegraded(): boolean {
    return this.degraded;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.replaysSpool) return;
    await this.spool.init();
    if (this.spool.bytes > 0) {
      this.logger.warn(`Replaying ${this.spool.bytes} bytes of spooled usage records from a previous run`);
      void this.replay();
    }
  }

  /** Graceful shutdown: everything queued is committed (or spooled), then one last replay attempt. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.drain();
    if (this.spool.bytes > 0) await this.replay();
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.spool.close();
  }

  /** Resolves when nothing is queued or in flight (records may be spooled). */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight || this.scheduled) {
      if (this.inFlight) await this.inFlight;
      else if (this.queue.length > 0) this.pump();
      else await new Promise((r) => setImmediate(r));
    }
  }

  /**
   * Moves spooled records into the database; resolves when done or when the
   * database refused again (the retry timer tries later). Idempotent by record id.
   */
  replay(): Promise<void> {
    if (!this.replaysSpool) return Promise.resolve();
    this.replaying ??= this.replayFiles().finally(() => (this.replaying = undefined));
    return this.replaying;
  }

  private schedule(): void {
    if (this.inFlight || this.scheduled) return;
    // nothing in flight: flush on the next turn of the event loop, so records of
    // the same turn share the insert without adding a timer's delay
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.inFlight || this.queue.length === 0) return;
    const batch = this.queue.splice(0, MAX_BATCH);
    this.inFlight = this.write(batch).finally(() => {
      this.inFlight = undefined;
      this.pump();
    });
  }

  private async write(batch: Pending[]): Promise<void> {
    const records = batch.map((p) => p.record);
    try {
      if (this.degraded) await this.toSpool(records);
      else await this.toDatabase(records);
      for (const p of batch) p.resolve();
    } catch (err) {
      // neither the database nor the disk took it: the caller must know
      this.logger.error(`Usage records lost: database and spool both failed: ${message(err)}`);
      for (const p of batch) p.reject(err);
    }
  }

  private async toDatabase(records: UsageRecord[]): Promise<void> {
    try {
      await this.insert(records);
    } catch (err) {
      if (isDataError(err)) return this.insertOneByOne(records);
      this.logger.error(`Database unreachable for usage records (${message(err)}): spooling to ${this.spool.dir}`);
      this.degraded = true;
      await this.toSpool(records);
    }
  }

  private async insert(records: UsageRecord[], wait: CommitWait = 'configured'): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await withinTimeout(this.repository.insertBatch(records, wait), INSERT_TIMEOUT_MS, `usage insert timed out after ${INSERT_TIMEOUT_MS} ms`);
        return;
      } catch (err) {
        if (!isRetriableConflict(err) || attempt >= 3) throw err;
      }
    }
  }

  /** Isolates records the database refuses as invalid; they go to a dead-letter file, the rest are stored. */
  private async insertOneByOne(records: UsageRecord[], wait: CommitWait = 'configured'): Promise<void> {
    for (const record of records) {
      try {
        await this.insert([record], wait);
      } catch (err) {
        if (!isDataError(err)) {
          this.degraded = true;
          await this.toSpool([record]);
          continue;
        }
        this.logger.error(`Usage record ${record.id} refused by the database (${message(err)}): kept in rejected.jsonl`);
        await this.spool.deadLetter([record]);
      }
    }
  }

  private async toSpool(records: UsageRecord[]): Promise<void> {
    await this.spool.append(records);
    if (this.spool.bytes >= this.spoolWarnAt) {
      this.logger.warn(
        `Usage spool holds ${(this.spool.bytes / 1024 / 1024).toFixed(1)} MB in ${this.spool.dir}: the database has been unreachable for a while`,
      );
      this.spoolWarnAt *= 2;
    }
    this.armRetry();
  }

  private armRetry(): void {
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.replay();
    }, this.retryIntervalMs);
    this.retryTimer.unref();
  }

  private async replayFiles(): Promise<void> {
    let replayed = 0;
    try {
      for (;;) {
        const files = await this.spool.takeFiles();
        if (files.length === 0) break;
        for (const file of files) {
          const { records, skipped } = await this.spool.read(file);
          if (skipped > 0) this.logger.warn(`Skipped ${skipped} torn line(s) in ${file}`);
          for (let i = 0; i < records.length; i += MAX_BATCH) {
            const chunk = records.slice(i, i + MAX_BATCH);
            // flushed to disk whatever USAGE_SYNCHRONOUS_COMMIT says: the spool file is deleted next
            try {
              await this.insert(chunk, 'flushed');
            } catch (err) {
              if (!isDataError(err)) throw err;
              await this.insertOneByOne(chunk, 'flushed');
            }
          }
          await this.spool.remove(file);
          replayed += records.length;
        }
      }
      if (this.degraded) this.logger.log(`Database reachable again: replayed ${replayed} spooled usage records`);
      this.degraded = false;
      this.spoolWarnAt = SPOOL_WARN_BYTES;
      // a batch that was already headed for the spool when we switched back lands there: pick it up next time
      if (this.spool.bytes > 0) this.armRetry();
    } catch (err) {
      this.degraded = true;
      this.logger.warn(`Usage replay deferred, database still unreachable: ${message(err)}`);
      this.armRetry();
    }
  }
}
