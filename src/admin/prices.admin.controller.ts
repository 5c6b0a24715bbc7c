import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { AdminAuth } from '../common/auth.decorators';
import { WholeList } from '../common/validation/unread-query.interceptor';
import { PriceListDto, PricesUpdateDto } from '../llm/pricing/dto/prices.dto';
import { PricesService } from '../llm/pricing/prices.service';

@ApiTags('admin-prices')
@AdminAuth()
@ApiUnauthorizedResponse({ description: 'unauthorized: no admin token or session' })
@Controller('api/admin/prices')
export class PricesAdminController {
  constructor(private readonly prices: PricesService) {}

  @Get()
  @WholeList('the whole price table')
  @ApiOkResponse({ type: PriceListDto })
  @ApiOperation({
    summary: 'Get prices',
    description: 'The pricing table in force: USD per million tokens (decimal strings) per model, and where each price comes from.',
  })
  getPrices(): PriceListDto {
    return this.prices.list();
  }

  @Put()
  @ApiOkResponse({ type: PriceListDto })
  @ApiUnprocessableEntityResponse({ description: 'validation_error naming the model and field' })
  @ApiOperation({
    summary: 'Set prices',
    description: 'Sets or resets console prices per model; the next call is priced with them. Costs already recorded never change.',
  })
  updatePrices(@Body() dto: PricesUpdateDto): Promise<PriceListDto> {
    return this.prices.update(dto.prices);
  }
}
