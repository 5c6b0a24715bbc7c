import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ApiClientCreateDto, ApiClientPageDto, ApiClientResponseDto, ApiClientUpdateDto } from '../auth/dto/api-client.dto';
import { ApiKeyCreateDto, ApiKeyCreatedResponseDto, ApiKeyPageDto } from '../auth/dto/api-key.dto';
import { PageQueryDto } from '../common/dto/page-query.dto';
import { ApiKeysService } from '../auth/api-keys.service';
import { ClientsService } from '../auth/clients.service';
import { AdminAuth } from '../common/auth.decorators';
import { UuidParamPipe } from './uuid-param.pipe';

@ApiTags('admin: clients')
@AdminAuth()
@ApiUnauthorizedResponse({ description: 'unauthorized: no admin token or session' })
@Controller('api/admin/clients')
export class ClientsAdminController {
  constructor(
    private readonly clients: ClientsService,
    private readonly keys: ApiKeysService,
  ) {}

  @Get()
  @ApiOkResponse({ type: ApiClientPageDto, description: 'Clients, oldest first, with the current period spend' })
  @ApiUnprocessableEntityResponse({ description: 'validation_error' })
  listApiClients(@Query() query: PageQueryDto): Promise<ApiClientPageDto> {
    return this.clients.list(query);
  }

  @Post()
  @ApiCreatedResponse({ type: ApiClientResponseDto })
  @ApiConflictResponse({ description: 'conflict: a client with this name exists' })
  @ApiUnprocessableEntityResponse({ description: 'validation_error' })
  createApiClient(@Body() dto: ApiClientCreateDto): Promise<ApiClientResponseDto> {
    return this.clients.create(dto);
  }

  @Get(':id')
  @ApiOkResponse({ type: ApiClientResponseDto })
  @ApiNotFoundResponse({ description: 'not_found' })
  @ApiUnprocessableEntityResponse({ description: 'validation_error: id is not a UUID' })
  getApiClient(@Param('id', new UuidParamPipe('id')) id: string): Promise<ApiClientResponseDto> {
    return this.clients.get(id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: ApiClientResponseDto })
  @ApiNotFoundResponse({ description: 'not_found' })
  @ApiConflictResponse({ description: 'conflict: a client with this name exists' })
  @ApiUnprocessableEntityResponse({ description: 'validation_error' })
  updateApiClient(@Param('id', new UuidParamPipe('id')) id: string, @Body() dto: ApiClientUpdateDto): Promise<ApiClientResponseDto> {
    return this.clients.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted, with its keys' })
  @ApiNotFoundResponse({ description: 'not_found' })
  @ApiUnprocessableEntityResponse({ description: 'validation_error: id is not a UUID' })
  deleteApiClient(@Param('id', new UuidParamPipe('id')) id: string): Promise<void> {
    return this.clients.delete(id);
  }

  @Post(':id/keys')
  @ApiCreatedResponse({ type: ApiKeyCreatedResponseDto, description: 'The full key is in `key`, this once only' })
  @ApiNotFoundResponse({ description: 'not_found' })
  @ApiUnprocessableEntityResponse({ description: 'validation_error' })
  createApiKey(@Param('id', new UuidParamPipe('id')) id: string, @Body() dto: ApiKeyCreateDto): Promise<ApiKeyCreatedResponseDto> {
    return this.keys.create(id, dto);
  }

  @Get(':id/keys')
  @ApiOkResponse({ type: ApiKeyPageDto, description: 'The client’s keys (prefixes only), oldest first' })
  @ApiNotFoundResponse({ description: 'not_found' })
  @ApiUnprocessableEntityResponse({ description: 'validation_error' })
  listApiKeys(@Param('id', new UuidParamPipe('id')) id: string, @Query() query: PageQueryDto): Promise<ApiKeyPageDto> {
    return this.keys.list(id, query);
  }
}
