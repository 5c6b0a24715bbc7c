import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { BudgetPeriod } from './api-client.entity';
import { ApiKey } from './api-key.entity';

/** What the guard needs about a key and its client, read in one query. */
export interface KeyWithClient {
  keyId: string;
  expiresAt: Date | null;
  revokedAt: Date | null;
  keyAllowedModels: string[] | null;
  keyRpm: number | null;
  keyTpm: number | null;
  clientId: string;
  clientName: string;
  isActive: boolean;
  clientRpm: number | null;
  clientTpm: number | null;
  allowedProviders: string[] | null;
  allowedModels: string[] | null;
  fallbackModels: string[] | null;
  metadata: Record<string, unknown>;
  budgetUsd: string | null;
  budgetPeriod: BudgetPeriod;
  budgetTimezone: string;
  budgetAlertThreshold: string | null;
}

// hot path (cached a few seconds per key): hand-written, one round trip
const FIND_BY_HASH_SQL = `
  SELECT k.id AS "keyId", k.expires_at AS "expiresAt", k.revoked_at AS "revokedAt",
         k.allowed_models AS "keyAllowedModels", k.rate_limit_rpm AS "keyRpm", k.rate_limit_tpm AS "keyTpm",
         c.id AS "clientId", c.name AS "clientName", c.is_active AS "isActive",
         c.rate_limit_rpm AS "clientRpm", c.rate_limit_tpm AS "clientTpm",
         c.allowed_providers AS "allowedProviders", c.allowed_models AS "allowedModels",
         c.fallback_models AS "fallbackModels", c.metadata,
         c.monthly_budget_usd::text AS "budgetUsd", c.budget_period AS "budgetPeriod",
         c.budget_timezone AS "budgetTimezone", c.budget_alert_threshold::text AS "budgetAlertThreshold"
    FROM api_keys k JOIN api_clients c ON c.id = k.client_id
   WHERE k.key_hash = $1`;

@Injectable()
export class ApiKeysRepository {
  constructor(
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    private readonly dataSource: DataSource,
  ) {}

  async findWithClientByHash(hash: Buffer): Promise<KeyWithClient | null> {
    const rows: KeyWithClient[] = await this.dataSource.query(FIND_BY_HASH_SQL, [hash]);
    return rows[0] ?? null;
  }

  findById(id: string): Promise<ApiKey | null> {
    return this.keys.findOne({ where: { id } });
  }

  insert(key: Partial<ApiKey>): Promise<ApiKey> {
    return this.keys.save(this.keys.create(key));
  }

  /** Keyset page ordered by (created_at, id); milliseconds, as the cursor carries a JS date. */
  listByClient(clientId: string, limit: number, after: { createdAt: Date; id: string } | null): Promise<ApiKey[]> {
    const qb = this.keys.createQueryBuilder('k').where('k.client_id = :clientId', { clientId });
    if (after) qb.andWhere("(date_trunc('milliseconds', k.created_at), k.id) > (:createdAt, :id)", after);
    return qb.orderBy("date_trunc('milliseconds', k.created_at)", 'ASC').addOrderBy('k.id', 'ASC').limit(limit).getMany();
  }

  /** The key that replaced this one in a rotation, if any. */
  findReplacementOf(id: string): Promise<ApiKey | null> {
    return this.keys.findOne({ where: { rotatedFromId: id }, order: { createdAt: 'ASC' } });
  }

  async revoke(id: string, at: Date): Promise<void> {
    await this.keys.update({ id }, { revokedAt: at });
  }

  /**
   * Rotation in one transaction: retires the old key and inserts its replacement, or answers null when the old key is no longer as `seen`
   * (revoked, or its expiry moved by another rotation meanwhile): the row lock makes concurrent rotations of one
   * key take turns, so a double-clicked Rotate makes one replacement, not several live keys.
   */
  async rotate(
    oldId: string,
    seen: Pick<ApiKey, 'expiresAt'>,
    oldExpiresAt: Date | null,
    revokeOldAt: Date | null,
    replacement: Partial<ApiKey>,
  ): Promise<ApiKey | null> {
    return this.dataSource.transaction(async (em) => {
      const current = await em.findOne(ApiKey, { where: { id: oldId }, lock: { mode: 'pessimistic_write' } });
      if (!current || current.revokedAt || current.expiresAt?.getTime() !== seen.expiresAt?.getTime()) return null;
      if (await em.existsBy(ApiKey, { rotatedFromId: oldId })) return null;
      await em.update(ApiKey, { id: oldId }, { expiresAt: oldExpiresAt, revokedAt: revokeOldAt });
      return em.save(em.create(ApiKey, replacement));
    });
  }

  /** Batched last_used_at: one statement for every key used since the last flush. */
  async touchMany(entries: { id: string; at: Date }[]): Promise<void> {
    if (entries.length === 0) return;
    await this.dataSource.query(
      `UPDATE api_keys k SET last_used_at = GREATEST(COALESCE(k.last_used_at, u.at), u.at)
         FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, at)
        WHERE k.id = u.id`,
      [entries.map((e) => e.id), entries.map((e) => e.at.toISOString())],
    );
  }
}
