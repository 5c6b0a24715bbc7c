import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { once } from 'node:events';
import { BillingReadService, coveredRange, UsageFilter } from '../billing/billing-read.service';
import { AdminUsageQueryDto, TopSpendersQueryDto, TopSpendersResponseDto, UsageResponseDto } from '../billing/dto/billing.dto';
import { GenerationLogService } from '../billing/generation-logs.service';
import { AdminAuth } from '../common/auth.decorators';
import { PROVIDER_NAMES, ProviderNames } from '../auth/provider-names';
import { canonicalProviderFilters } from './provider-filter';

/** The report and the CSV export read the same parameters the same way (a provider alias is its provider; an unknown one a 422). */
function toUsageFilter(q: AdminUsageQueryDto, names: ProviderNames): UsageFilter {
  const { provider, model } = canonicalProviderFilters(names, { provider: q.provider, model: q.model });
  return { from: q.from, to: q.to, granularity: q.granularity, groupBy: q.group_by, clientId: q.client_id, provider, model };
}

/**
 * The export's file is named after the range its whole UTC buckets cover (the `from` and `to` the JSON
 * report answers), not the range asked for: `llmhub-usage-2026-11-02T00-00Z_2026-12-03T00-00Z.csv`.
 */
export function csvFileName(filter: UsageFilter): string {
  const { from, to } = coveredRange(filter);
  const stamp = (t: Date) => `${t.toISOString().slice(0, 16).replace(':', '-')}Z`;
  return `llmhub-usage-${stamp(from)}_${stamp(to)}.csv`;
}

@ApiTags('admin-billing')
@AdminAuth()
@Controller('api/admin/billing')
export class BillingAdminController {
  constructor(
    private readonly reads: BillingReadService,
    private readonly logs: GenerationLogService,
    @Inject(PROVIDER_NAMES) private readonly names: ProviderNames,
  ) {}

  @Get('usage')
  @ApiOkResponse({ type: UsageResponseDto })
  @ApiOperation({
    summary: 'Usage across clients',
    description:
      'Cost and usage over any range and granularity, optionally filtered by client, provider or model and grouped by client, provider, model or ' +
      'template. Money as decimal strings.',
  })
  getAdminUsage(@Query() q: AdminUsageQueryDto): Promise<UsageResponseDto> {
    return this.reads.usage(toUsageFilter(q, this.names));
  }

  @Get('top-spenders')
  @ApiOkResponse({ type: TopSpendersResponseDto })
  @ApiOperation({ summary: 'Top spenders', description: 'The clients that spent most over `from`..`to`.' })
  getTopSpenders(@Query() q: TopSpendersQueryDto): Promise<TopSpendersResponseDto> {
    return this.reads.topSpenders(q.from, q.to, q.limit);
  }

  /** Streamed: one write per chunk of rows, waiting for the socket to drain. */
  @Get('export.csv')
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description: 'the rows of GET /api/admin/billing/usage for the same parameters, as CSV (money as decimal strings)',
    schema: { type: 'string' },
  })
  @ApiOperation({
    summary: 'Export usage as CSV',
    description:
      'The rows of GET /api/admin/billing/usage for the same parameters, streamed as CSV (money as decimal strings). A text field ' +
      "starting with =, +, -, @, a tab or a carriage return (a client or template named `=HYPERLINK(…)`) gets a leading `'` so a " +
      'spreadsheet opens it as text, not as a formula.',
  })
  async exportUsageCsv(@Query() q: AdminUsageQueryDto, @Res() res: Response): Promise<void> {
    const filter = toUsageFilter(q, this.names);
    let started = false;
    const streaming = this.logs.exportCsv(filter, async (chunk) => {
      if (!started) {
        started = true;
        res.status(200);
        res.setHeader('Content-Type', 'text/csv; charset=utf-8');
        res.setHeader('Content-Disposition', `attachment; filename="${csvFileName(filter)}"`);
      }
      if (!res.write(chunk)) await once(res, 'drain');
    });
    try {
      await streaming;
    } catch (err) {
      // before the first chunk the error filter can still answer; after it, only cutting the stream tells the client
      if (!started) throw err;
      res.destroy(err as Error);
      return;
    }
    res.end();
  }
}
