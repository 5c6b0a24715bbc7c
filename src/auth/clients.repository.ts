import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AppError } from '../common/errors/app-error';
import { ApiClient } from './api-client.entity';

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class ClientsRepository {
  constructor(@InjectRepository(ApiClient) private readonly clients: Repository<ApiClient>) {}

  findById(id: string): Promise<ApiClient | null> {
    return this.clients.findOne({ where: { id } });
  }

  findByName(name: string): Promise<ApiClient | null> {
    return this.clients.findOne({ where: { name } });
  }

  /** Keyset page ordered by (created_at, id); milliseconds, as the cursor carries a JS date. */
  list(limit: number, after: { createdAt: Date; id: string } | null): Promise<ApiClient[]> {
    const qb = this.clients.createQueryBuilder('c');
    if (after) qb.where("(date_trunc('milliseconds', c.created_at), c.id) > (:createdAt, :id)", after);
    return qb.orderBy("date_trunc('milliseconds', c.created_at)", 'ASC').addOrderBy('c.id', 'ASC').limit(limit).getMany();
  }

  async insert(client: Partial<ApiClient>): Promise<ApiClient> {
    try {
      return await this.clients.save(this.clients.create(client));
    } catch (error) {
      throw this.mapConflict(error, client.name);
    }
  }

  /**
   * Sets just these columns (and updated_at), not the whole row as read earlier: a concurrent
   * update of other columns is kept. False when no client has this id (any more).
   */
  async updateColumns(id: string, columns: Partial<ApiClient>): Promise<boolean> {
    try {
      // metadata's Record<string, unknown> is JSON TypeORM serialises as is; its deep-partial type cannot say so
      const result = await this.clients.update({ id }, columns as QueryDeepPartialEntity<ApiClient>);
      return (result.affected ?? 0) > 0;
    } catch (error) {
      throw this.mapConflict(error, columns.name);
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
