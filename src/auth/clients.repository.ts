import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, QueryFailedError, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AppError } from '../common/errors/app-error';
import { ApiClient } from './api-client.entity';

const UNIQUE_VIOLATION = '23505';
/** Serialises the writes that set a client's name (every instance): the check for a name taken in another case, then the write. */
const CLIENT_NAME_LOCK = 7_461_014;

/**
 * What two client names are compared by: "Billing", "billing" and "BILLING" name one client to an operator
 * reading a list. Folded here rather than by SQL lower(), which leaves non-ASCII letters alone under the C
 * locale (the embedded database's); upper then lower also folds "ß" with "SS", and NFC one "é" with the other.
 */
export function clientNameKey(name: string): string {
  return name.normalize('NFC').toUpperCase().toLowerCase();
}

@Injectable()
export class ClientsRepository {
  constructor(@InjectRepository(ApiClient) private readonly clients: Repository<ApiClient>) {}

  findById(id: string): Promise<ApiClient | null> {
    return this.clients.findOne({ where: { id } });
  }

  /** The client of exactly this name, else the one whose name differs only in case (none when several do). */
  async findByName(name: string): Promise<ApiClient | null> {
    const exact = await this.clients.findOne({ where: { name } });
    if (exact) return exact;
    const key = clientNameKey(name);
    const rows = await this.clients.query<{ id: string; name: string }[]>('SELECT id, name FROM api_clients');
    const matches = rows.filter((row) => clientNameKey(row.name) === key);
    return matches.length === 1 ? this.findById(matches[0].id) : null;
  }

  /** Keyset page ordered by (created_at, id); milliseconds, as the cursor carries a JS date. */
  list(limit: number, after: { createdAt: Date; id: string } | null): Promise<ApiClient[]> {
    const qb = this.clients.createQueryBuilder('c');
    if (after) qb.where("(date_trunc('milliseconds', c.created_at), c.id) > (:createdAt, :id)", after);
    return qb.orderBy("date_trunc('milliseconds', c.created_at)", 'ASC').addOrderBy('c.id', 'ASC').limit(limit).getMany();
  }

  /** 409 conflict when another client has this name in any case. */
  async insert(client: Partial<ApiClient>): Promise<ApiClient> {
    try {
      return await this.clients.manager.transaction(async (em) => {
        if (client.name !== undefined) await this.assertNameFree(em, client.name, null);
        return em.save(em.create(ApiClient, client));
      });
    } catch (error) {
      throw this.mapConflict(error, client.name);
    }
  }

  /**
   * Sets just these columns (and updated_at), not the whole row as read earlier: a concurrent
   * update of other columns is kept. False when no client has this id (any more). A new name is
   * a 409 conflict when another client has it in any case; the client's own name sent again is
   * not checked, so clients that shared a name before names were compared regardless of case
   * can still be edited (and renamed apart).
   */
  async updateColumns(id: string, columns: Partial<ApiClient>): Promise<boolean> {
    try {
      return await this.clients.manager.transaction(async (em) => {
        if (columns.name !== undefined) {
          const [own] = await em.query<{ name: string }[]>('SELECT name FROM api_clients WHERE id = $1', [id]);
          if (own && own.name !== columns.name) await this.assertNameFree(em, columns.name, id);
        }
        // metadata's Record<string, unknown> is JSON TypeORM serialises as is; its deep-partial type cannot say so
        const result = await em.update(ApiClient, { id }, columns as QueryDeepPartialEntity<ApiClient>);
        return (result.affected ?? 0) > 0;
      });
    } catch (error) {
      throw this.mapConflict(error, columns.name);
    }
  }

  /**
   * Under a transaction-scoped lock held until the write commits, so two requests naming "Foo" and
   * "foo" at once cannot both pass. Every name is read: the table holds one row per application.
   */
  private async assertNameFree(em: EntityManager, name: string, exceptId: string | null): Promise<void> {
    await em.query('SELECT pg_advisory_xact_lock($1)', [CLIENT_NAME_LOCK]);
    const key = clientNameKey(name);
    const rows = await em.query<{ id: string; name: string }[]>('SELECT id, name FROM api_clients');
    const taken = rows.find((row) => row.id !== exceptId && clientNameKey(row.name) === key);
    if (taken) {
      const message = taken.name === name ? 'already taken' : `already taken by "${taken.name}" (names are compared regardless of case)`;
      throw new AppError('conflict', `A client named "${taken.name}" already exists`, [{ field: 'name', message }]);
    }
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.clients.delete({ id });
    return (result.affected ?? 0) > 0;
  }

  /** True for the one caller (across all instances) that marks the period first. */
  async markBudgetAlerted(id: string, periodKey: string): Promise<boolean> {
    const result = await this.clients
      .createQueryBuilder()
      .update()
      .set({ budgetAlertedPeriod: periodKey, updatedAt: () => 'updated_at' })
      .where('id = :id AND budget_alerted_period IS DISTINCT FROM :periodKey', { id, periodKey })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  private mapConflict(error: unknown, name: string | null | undefined): unknown {
    if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION) {
      return new AppError('conflict', `A client named "${name}" already exists`, [{ field: 'name', message: 'already taken' }]);
    }
    return error;
  }
}
