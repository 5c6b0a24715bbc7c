import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
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

@ApiTags('admin-clients')
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
  @ApiOperation({ summary: 'List clients', description: 'Clients, oldest first, each with its current month’s spend; paged by `limit` and `cursor`.' })
  listApiClients(@Query() query: PageQueryDto): Promise<ApiClientPageDto> {
    return this.clients.list(query);
  }

  @Post()
  @ApiCreatedResponse({ type: ApiClientResponseDto })
  @ApiConflictResponse({ description: 'conflict: a client with this name (in any case) exists' })
  @ApiUnprocessableEntityResponse({ description: 'validation_error' })
  @ApiOperation({
    summary: 'Create a client',
    description:
      'A client with its limits (`rate_limit_rpm`, `rate_limit_tpm`), monthly budget (USD decimal string), alert threshold and allow-lists. Keys ' +
      'are created separately.',
  })
  createApiClient(@Body() dto: ApiClientCreateDto): Promise<ApiClientResponseDto> {
    return this.clients.create(dto);
  }

  @Get(':id')
  @ApiOkResponse({ type: ApiClientResponseDto })
  @ApiNotFoundResponse({ description: 'not_found' })
  @ApiUnprocessableEntityResponse({ description: 'validation_error: id is not a UUID' })
  @ApiOperation({ summary: 'Get a client', description: 'One client with its settings and this month’s spend.' })
  getApiClient(@Param('id', new UuidParamPipe('id')) id: string): Promise<ApiClientResponseDto> {
    return this.clients.get(id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: ApiClientResponseDto })
  @ApiNotFoundResponse({ description: 'not_found' })
  @ApiConflictResponse({ description: 'conflict: a client with this name (in any case) exists' })
  @ApiUnprocessableEntityResponse({ description: 'validation_error' })
  @ApiOperation({
    summary: 'Update a client',
    description: 'Change any of a client’s settings; absent fields are left alone, `null` clears a limit. Takes effect on the next call.',
  })
  updateApiClient(@Param('id', new UuidParamPipe('id')) id: string, @Body() dto: ApiClientUpdateDto): Promise<ApiClientResponseDto> {
    return this.clients.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted, with its keys and its own prompt templates' })
  @ApiNotFoundResponse({ description: 'not_found' })
  @ApiUnprocessableEntityResponse({ description: 'validation_error: id is not a UUID' })
  @ApiOperation({
    summary: 'Delete a client',
    description: 'Deletes the client with its keys (its calls are refused at once) and the prompt templates it owns. Its usage records and feedback are kept.',
  })
  deleteApiClient(@Param('id', new UuidParamPipe('id')) id: string): Promise<void> {
    return this.clients.delete(id);
  }

  @Post(':id/keys')
  @ApiCreatedResponse({ type: ApiKeyCreatedResponseDto, description: 'The full key is in `key`, this once only' })
  @ApiNotFoundResponse({ description: 'not_found' })
  @ApiUnprocessableEntityResponse({ description: 'validation_error' })
  @ApiOperation({
    summary: 'Create a key',
    description: 'A new key for the client. The full key is in `key` in this answer only; LLMHub keeps only a hash and the prefix.',
  })
  createApiKey(@Param('id', new UuidParamPipe('id')) id: string, @Body() dto: ApiKeyCreateDto): Promise<ApiKeyCreatedResponseDto> {
    return this.keys.create(id, dto);
  }

  @Get(':id/keys')
  @ApiOkResponse({ type: ApiKeyPageDto, description: 'The client’s keys (prefixes only), oldest first' })
  @ApiNotFoundResponse({ description: 'not_found' })
  @ApiUnprocessableEntityResponse({ description: 'validation_error' })
  @ApiOperation({ summary: 'List a client’s keys', description: 'The client’s keys, oldest first, with prefixes only (never the key).' })
  listApiKeys(@Param('id', new UuidParamPipe('id')) id: string, @Query() query: PageQueryDto): Promise<ApiKeyPageDto> {
    return this.keys.list(id, query);
  }
}
