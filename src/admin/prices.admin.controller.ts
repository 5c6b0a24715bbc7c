import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { AdminAuth } from '../common/auth.decorators';
import { PriceListDto, PricesUpdateDto } from '../llm/dto/prices.dto';
import { PricesService } from '../llm/prices.service';

@ApiTags('admin: prices')
@AdminAuth()
@ApiUnauthorizedResponse({ description: 'unauthorized: no admin token or session' })
@Controller('api/admin/prices')
export class PricesAdminController {
  constructor(private readonly prices: PricesService) {}

  @Get()
  @ApiOperation({ summary: 'The pricing table in force (USD per 1M tokens, decimal strings)' })
  @ApiOkResponse({ type: PriceListDto })
  getPrices(): PriceListDto {
    return this.prices.list();
  }

  @Put()
  @ApiOperation({ summary: 'Set or reset console prices; the next call is priced with them. Recorded costs never change.' })
  @ApiOkResponse({ type: PriceListDto })
  @ApiUnprocessableEntityResponse({ description: 'validation_error naming the model and field' })
  updatePrices(@Body() dto: PricesUpdateDto): Promise<PriceListDto> {
    return this.prices.update(dto.prices);
  }
}
