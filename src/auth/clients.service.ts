import { Injectable } from '@nestjs/common';
import { ExactDecimal } from '../billing/exact-decimal';
import { AppError } from '../common/errors/app-error';
import { AccessPolicy } from './access-policy.service';
import { ApiClient } from './api-client.entity';
import { BillingReadService } from '../billing/billing-read.service';
import { ClientsRepository } from './clients.repository';
import { ApiClientCreateDto, ApiClientPageDto, ApiClientResponseDto, ApiClientUpdateDto, BudgetAlertState } from './dto/api-client.dto';
import { PageQueryDto } from '../common/dto/page-query.dto';
import { isUuid } from '../common/uuid';
import { decodeCursor, toPage } from './dto/page.dto';
import { KeyLookupService } from './key-lookup.service';
import { canonicalTimeZone, isValidTimeZone, periodBounds, type PeriodBounds } from '../billing/budget-period';

/** The columns an update sets: only the fields the request gave (null included, where the field allows it). */
function changedColumns(dto: ApiClientUpdateDto): Partial<ApiClient> {
  const columns: Partial<ApiClient> = {};
  if (dto.name !== undefined) columns.name = dto.name.trim();
  if (dto.description !== undefined) columns.description = dto.description;
  if (dto.is_active !== undefined) columns.isActive = dto.is_active;
  if (dto.rate_limit_rpm !== undefined) columns.rateLimitRpm = dto.rate_limit_rpm;
  if (dto.rate_limit_tpm !== undefined) columns.rateLimitTpm = dto.rate_limit_tpm;
  if (dto.monthly_budget_usd !== undefined) columns.monthlyBudgetUsd = dto.monthly_budget_usd;
  if (dto.budget_period !== undefined) columns.budgetPeriod = dto.budget_period;
  if (dto.budget_timezone !== undefined) columns.budgetTimezone = canonicalTimeZone(dto.budget_timezone);
  if (dto.budget_alert_threshold !== undefined) columns.budgetAlertThreshold = dto.budget_alert_threshold;
  if (dto.allowed_providers !== undefined) columns.allowedProviders = dto.allowed_providers;
  if (dto.allowed_models !== undefined) columns.allowedModels = dto.allowed_models;
  if (dto.fallback_models !== undefined) columns.fallbackModels = dto.fallback_models;
  if (dto.metadata !== undefined) columns.metadata = dto.metadata;
  return columns;
}

/** Clients for the admin API and the CLI; reads include the period's spend and the budget alert state. */
@Injectable()
export class ClientsService {
  constructor(
    private readonly clients: ClientsRepository,
    private readonly spend: BillingReadService,
    private readonly lookup: KeyLookupService,
    private readonly access: AccessPolicy,
  ) {}

  async create(dto: ApiClientCreateDto): Promise<ApiClientResponseDto> {
    this.assertTimeZone(dto.budget_timezone);
    this.access.assertValidAllowLists(dto);
    const client = await this.clients.insert({
      name: dto.name.trim(),
      description: dto.description ?? null,
      isActive: dto.is_active ?? true,
      rateLimitRpm: dto.rate_limit_rpm ?? null,
      rateLimitTpm: dto.rate_limit_tpm ?? null,
      monthlyBudgetUsd: dto.monthly_budget_usd ?? null,
      budgetPeriod: dto.budget_period ?? 'month',
      budgetTimezone: canonicalTimeZone(dto.budget_timezone ?? 'UTC'),
      budgetAlertThreshold: dto.budget_alert_threshold ?? null,
      allowedProviders: dto.allowed_providers ?? null,
      allowedModels: dto.allowed_models ?? null,
      fallbackModels: dto.fallback_models ?? null,
      metadata: dto.metadata ?? {},
    });
    // re-read so numeric columns come back in their stored form
    return this.toDto(await this.require(client.id));
  }

  async list(query: PageQueryDto): Promise<ApiClientPageDto> {
    const limit = query.limit ?? 50;
    const rows = await this.clients.list(limit + 1, decodeCursor(query.cursor));
    const page = toPage(rows, limit, (row) => row);
    return { items: await this.toDtos(page.items), next_cursor: page.next_cursor };
  }

  async get(id: string): Promise<ApiClientResponseDto> {
    return this.toDto(await this.require(id));
  }

  /** By id or, for the CLI, by name. */
  async resolve(idOrName: string): Promise<ApiClientResponseDto> {
    const client = isUuid(idOrName) ? await this.clients.findById(idOrName) : await this.clients.findByName(idOrName);
    if (!client) throw new AppError('not_found', `No client "${idOrName}"`);
    return this.toDto(client);
  }

  /**
   * Only the allow-lists being set are checked: a stored one naming a provider since removed still reads and applies.
   * Only the fields sent are written, so two edits of different fields made at the same time both stay.
   */
  async update(id: string, dto: ApiClientUpdateDto): Promise<ApiClientResponseDto> {
    this.assertTimeZone(dto.budget_timezone);
    this.access.assertValidAllowLists(dto);
    await this.require(id);
    const changes = changedColumns(dto);
    if (Object.keys(changes).length > 0 && !(await this.clients.updateColumns(id, changes))) throw new AppError('not_found', `No client with id ${id}`);
    this.lookup.invalidateAll();
    return this.toDto(await this.require(id));
  }

  /** Deletes the client and, by cascade, its keys; its log rows stay (client_id kept for history). */
  async delete(id: string): Promise<void> {
    if (!isUuid(id) || !(await this.clients.delete(id))) throw new AppError('not_found', `No client with id ${id}`);
    this.lookup.invalidateAll();
  }

  /** Throws 404 not_found for an unknown id. */
  async require(id: string): Promise<ApiClient> {
    const client = isUuid(id) ? await this.clients.findById(id) : null;
    if (!client) throw new AppError('not_found', `No client with id ${id}`);
    return client;
  }

  private assertTimeZone(tz: string | undefined): void {
    if (tz !== undefined && !isValidTimeZone(tz)) {
      throw new AppError('validation_error', `Unknown timezone "${tz}"`, [
        { field: 'budget_timezone', message: 'expected an IANA timezone such as "UTC" or "Europe/Berlin"' },
      ]);
    }
  }

  private async toDto(c: ApiClient): Promise<ApiClientResponseDto> {
    const period = periodBounds(c.budgetPeriod, c.budgetTimezone);
    return this.dtoOf(c, period, await this.spend.clientSpend(c.id, period.start, period.end));
  }

  /** A page of clients with their spend: one read per budget period among them (usually one), not one per client. */
  private async toDtos(clients: readonly ApiClient[]): Promise<ApiClientResponseDto[]> {
    const byPeriod = new Map<string, ApiClient[]>();
    for (const c of clients) {
      const key = `${c.budgetPeriod} ${c.budgetTimezone}`;
      const group = byPeriod.get(key);
      if (group) group.push(c);
      else byPeriod.set(key, [c]);
    }
    const dtos = new Map<string, ApiClientResponseDto>();
    await Promise.all(
      [...byPeriod.values()].map(async (group) => {
        const period = periodBounds(group[0].budgetPeriod, group[0].budgetTimezone);
        const spent = await this.spend.clientsSpend(
          group.map((c) => c.id),
          period.start,
          period.end,
        );
        for (const c of group) dtos.set(c.id, this.dtoOf(c, period, spent.get(c.id)!));
      }),
    );
    return clients.map((c) => dtos.get(c.id)!);
  }

  private dtoOf(c: ApiClient, period: PeriodBounds, spentUsd: string): ApiClientResponseDto {
    const spent = new ExactDecimal(spentUsd);
    let alert: BudgetAlertState = 'none';
    let remaining: string | null = null;
    if (c.monthlyBudgetUsd !== null) {
      const budget = new ExactDecimal(c.monthlyBudgetUsd);
      remaining = ExactDecimal.max(0, budget.minus(spent)).toFixed();
      if (spent.gte(budget)) alert = 'exceeded';
      else if (c.budgetAlertThreshold !== null && spent.gte(budget.mul(c.budgetAlertThreshold))) alert = 'warning';
    }
    return {
      id: c.id,
      name: c.name,
      description: c.description,
      is_active: c.isActive,
      rate_limit_rpm: c.rateLimitRpm,
      rate_limit_tpm: c.rateLimitTpm,
      monthly_budget_usd: c.monthlyBudgetUsd === null ? null : new ExactDecimal(c.monthlyBudgetUsd).toFixed(),
      budget_period: c.budgetPeriod,
      budget_timezone: c.budgetTimezone,
      budget_alert_threshold: c.budgetAlertThreshold === null ? null : new ExactDecimal(c.budgetAlertThreshold).toFixed(),
      allowed_providers: c.allowedProviders,
      allowed_models: c.allowedModels,
      fallback_models: c.fallbackModels,
      metadata: c.metadata ?? {},
      month_to_date_spend_usd: spent.toFixed(),
      period_start: period.start.toISOString(),
      remaining_budget_usd: remaining,
      budget_alert: alert,
      created_at: c.createdAt.toISOString(),
      updated_at: c.updatedAt.toISOString(),
    };
  }
}
