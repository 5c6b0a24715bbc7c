import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { ClientAuth } from '../common/auth.decorators';
import { Caller, CurrentCaller } from '../common/caller';
import { BillingReadService } from './billing-read.service';
import { BillingSummaryResponseDto, UsageQueryDto, UsageResponseDto } from './dto/billing.dto';

/** The caller's own usage and cost. */
@ApiTags('billing')
@ClientAuth()
@Controller('api/v1/billing')
export class BillingController {
  constructor(private readonly reads: BillingReadService) {}

  @Get('usage')
  @ApiOkResponse({ type: UsageResponseDto })
  @ApiUnprocessableEntityResponse({ description: 'validation_error naming the field' })
  @ApiOperation({
    summary: 'My usage',
    description:
      'The caller’s own usage and cost over `from`..`to`, by `granularity` (hour, day, month) and optionally grouped by provider, model or ' +
      'template. Money as decimal strings.',
  })
  getClientUsage(@CurrentCaller() caller: Caller, @Query() query: UsageQueryDto): Promise<UsageResponseDto> {
    return this.reads.usage({
      clientId: caller.clientId,
      from: query.from,
      to: query.to,
      granularity: query.granularity,
      groupBy: query.group_by,
    });
  }

  @Get('summary')
  @ApiOkResponse({ type: BillingSummaryResponseDto })
  @ApiOperation({ summary: 'My month so far', description: 'The caller’s month-to-date cost, budget, what remains of it, and the number of requests.' })
  getClientBillingSummary(@CurrentCaller() caller: Caller): Promise<BillingSummaryResponseDto> {
    return this.reads.clientSummary(caller.clientId);
  }
}
