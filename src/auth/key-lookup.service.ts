import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Caller } from '../common/caller';
import { AccessPolicy, narrowLimit } from './access-policy.service';
import { ApiClient } from './api-client.entity';
import { hash } from 'node:crypto';
import { looksLikeApiKey } from './api-key.codec';
import { ApiKeysRepository, KeyWithClient } from './api-keys.repository';
import { ClientBudgetPolicy } from './client-policy';
import { ClientsRepository } from './clients.repository';
import { ThrottledWarning } from '../common/logging/throttled-warning';

/** How long a key lookup (or a miss) is trusted: revocation is felt on every instance within this. */
export const KEY_CACHE_TTL_MS = 3_000;
const MAX_CACHED = 50_000;
const LAST_USED_FLUSH_MS = 15_000;

export type KeyVerdict =
  { status: 'ok'; caller: Caller } | { status: 'inactive'; caller: Caller } | { status: 'invalid'; reason: 'unknown' | 'revoked' | 'expired' };

interface Cached {
  row: KeyWithClient | null;
  caller: Caller | null;
  until: number;
}

/**
 * Resolves API keys to callers with a few seconds of in-memory cache (no
 * database round trip per request), keeps clients' budget policies at hand for
 * the limits service, and writes last_used_at in batches.
 */
@Injectable()
export class KeyLookupService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('KeyLookup');
  private readonly cache = new Map<string, Cached>();
  private readonly refreshing = new Map<string, Promise<Cached>>();
  private readonly policies = new Map<string, { policy: ClientBudgetPolicy; until: number }>();
  private readonly lastUsed = new Map<string, Date>();
  /** bumped by invalidateAll: a lookup read before a change is not cached after it */
  private generation = 0;
  private timer?: NodeJS.Timeout;
  private readonly staleWarning = new ThrottledWarning(this.logger, 'Database unreachable for key lookups; serving cached keys and clients');

  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly clients: ClientsRepository,
    private readonly access: AccessPolicy,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flushLastUsed(), LAST_USED_FLUSH_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flushLastUsed();
  }

  async verify(rawKey: string, now = Date.now()): Promise<KeyVerdict> {
    if (!looksLikeApiKey(rawKey)) return { status: 'invalid', reason: 'unknown' };
    // the key's sha256 (api-key.codec's), straight as the cache id: one native call, no Hash object
    const id = hash('sha256', rawKey, 'base64');
    let entry = this.cache.get(id);
    if (!entry || entry.until <= now) {
      // one query per key however many requests find its entry expired at once (the others wait for it)
      let refresh = this.refreshing.get(id);
      if (!refresh) {
        const started: Promise<Cached> = this.refresh(id, entry, now).finally(() => {
          if (this.refreshing.get(id) === started) this.refreshing.delete(id);
        });
        refresh = started;
        this.refreshing.set(id, refresh);
      }
      entry = await refresh;
    }
    const { row, caller } = entry;
    if (!row || !caller) return { status: 'invalid', reason: 'unknown' };
    if (row.revokedAt && row.revokedAt.getTime() <= now) return { status: 'invalid', reason: 'revoked' };
    if (row.expiresAt && row.expiresAt.getTime() <= now) return { status: 'invalid', reason: 'expired' };
    if (!row.isActive) return { status: 'inactive', caller };
    this.lastUsed.set(row.keyId, new Date(now));
    return { status: 'ok', caller };
  }

  private async refresh(id: string, stale: Cached | undefined, now: number): Promise<Cached> {
    const generation = this.generation;
    let found: KeyWithClient | null;
    try {
      found = await this.keys.findWithClientByHash(Buffer.from(id, 'base64'));
    } catch (error) {
      // database unreachable: keep answering known keys from the stale entry (usage goes to the spool meanwhile)
      if (!stale) throw error;
      this.staleWarning.warn(error, now);
      found = stale.row;
    }
    const entry: Cached = { row: found, caller: found ? this.callerOf(found) : null, until: now + KEY_CACHE_TTL_MS };
    // read before a revocation or a client edit on this instance: answers the requests that waited for it, and is not kept
    if (generation !== this.generation) return entry;
    if (this.cache.size >= MAX_CACHED) this.evictExpired(now);
    this.cache.set(id, entry);
    if (entry.row) this.policies.set(entry.row.clientId, { policy: policyOf(entry.row), until: now + KEY_CACHE_TTL_MS });
    return entry;
  }

  /** The client's budget policy, from the lookup cache or (stale or absent) the database. */
  async budgetPolicy(clientId: string, now = Date.now()): Promise<ClientBudgetPolicy | null> {
    const cached = this.policies.get(clientId);
    if (cached && cached.until > now) return cached.policy;
    const generation = this.generation;
    let client: ApiClient | null;
    try {
      client = await this.clients.findById(clientId);
    } catch (error) {
      if (!cached) throw error;
      this.staleWarning.warn(error, now);
      cached.until = now + KEY_CACHE_TTL_MS;
      return cached.policy;
    }
    if (!client) return null;
    const policy: ClientBudgetPolicy = {
      budgetUsd: client.monthlyBudgetUsd,
      budgetPeriod: client.budgetPeriod,
      budgetTimezone: client.budgetTimezone,
      budgetAlertThreshold: client.budgetAlertThreshold,
    };
    if (generation === this.generation) this.policies.set(clientId, { policy, until: now + KEY_CACHE_TTL_MS });
    return policy;
  }

  /** Local changes (revocation, client edits) take effect at once on this instance; others within the TTL. */
  invalidateAll(): void {
    this.generation += 1;
    this.cache.clear();
    this.refreshing.clear();
    this.policies.clear();
  }

  async flushLastUsed(): Promise<void> {
    if (this.lastUsed.size === 0) return;
    const entries = [...this.lastUsed].map(([id, at]) => ({ id, at }));
    this.lastUsed.clear();
    await this.keys.touchMany(entries).catch((error: unknown) => this.logger.warn(`Could not record last_used_at: ${String(error)}`));
  }

  private callerOf(row: KeyWithClient): Caller {
    return {
      clientId: row.clientId,
      clientName: row.clientName,
      apiKeyId: row.keyId,
      rateLimitRpm: narrowLimit(row.clientRpm, row.keyRpm),
      rateLimitTpm: narrowLimit(row.clientTpm, row.keyTpm),
      ...narrowedLimits(row),
      allowedProviders: row.allowedProviders,
      allowedModels: this.access.intersectAllowLists(row.allowedModels, row.keyAllowedModels),
      fallbackModels: row.fallbackModels,
      metadata: row.metadata ?? {},
    };
  }

  private evictExpired(now: number): void {
    for (const [id, entry] of this.cache) if (entry.until <= now) this.cache.delete(id);
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
  }
}

/** A key limit at or above its client's adds nothing: only a narrower one gets a bucket of its own. */
function narrower(client: number | null, key: number | null): number | null {
  return key !== null && (client === null || key < client) ? key : null;
}

function narrowedLimits(row: KeyWithClient): Pick<Caller, 'narrowedLimits'> {
  const key = { rpm: narrower(row.clientRpm, row.keyRpm), tpm: narrower(row.clientTpm, row.keyTpm) };
  if (key.rpm === null && key.tpm === null) return {};
  return { narrowedLimits: { client: { rpm: row.clientRpm, tpm: row.clientTpm }, key } };
}

function policyOf(row: KeyWithClient): ClientBudgetPolicy {
  return {
    budgetUsd: row.budgetUsd,
    budgetPeriod: row.budgetPeriod,
    budgetTimezone: row.budgetTimezone,
    budgetAlertThreshold: row.budgetAlertThreshold,
  };
}
