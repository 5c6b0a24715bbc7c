import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { AccessPolicy } from './access-policy.service';
import { ApiKey } from './api-key.entity';
import { generateApiKey } from './api-key.codec';
import { ApiKeysRepository } from './api-keys.repository';
import { ClientsService } from './clients.service';
import { ApiKeyCreateDto, ApiKeyCreatedResponseDto, ApiKeyPageDto, ApiKeyResponseDto, ApiKeyRotatedResponseDto } from './dto/api-key.dto';
import { PageQueryDto } from '../common/dto/page-query.dto';
import { isUuid } from '../common/uuid';
import { decodeCursor, toPage } from './dto/page.dto';
import { KeyLookupService } from './key-lookup.service';

/** API keys: created and rotated keys are returned in full once; only hashes are stored. */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly clients: ClientsService,
    private readonly lookup: KeyLookupService,
    private readonly access: AccessPolicy,
  ) {}

  async create(clientId: string, dto: ApiKeyCreateDto = {}): Promise<ApiKeyCreatedResponseDto> {
    await this.clients.require(clientId);
    this.access.assertValidAllowLists({ allowed_models: dto.allowed_models });
    const expiresAt = dto.expires_at ? new Date(dto.expires_at) : null;
    // a key born expired would be shown once and refused at its first use: say so now
    if (expiresAt && expiresAt.getTime() <= Date.now()) {
      const message = `expires_at must be in the future (got ${dto.expires_at})`;
      throw new AppError('validation_error', message, [{ field: 'expires_at', message }]);
    }
    const generated = generateApiKey();
    const key = await this.keys.insert({
      clientId,
      name: dto.name?.trim() || 'default',
      keyHash: generated.hash,
      prefix: generated.prefix,
      expiresAt,
      allowedModels: dto.allowed_models ?? null,
      rateLimitRpm: dto.rate_limit_rpm ?? null,
      rateLimitTpm: dto.rate_limit_tpm ?? null,
    });
    return createdDto(key, generated.key);
  }

  async list(clientId: string, query: PageQueryDto): Promise<ApiKeyPageDto> {
    await this.clients.require(clientId);
    const limit = query.limit ?? 50;
    const rows = await this.keys.listByClient(clientId, limit + 1, decodeCursor(query.cursor));
    return toPage(rows, limit, (row) => keyDto(row));
  }

  /**
   * A new key with the old one's name and narrowing; the old key keeps working
   * for the grace period (none: revoked at once). A key is rotated once: its
   * replacement is the one to rotate next.
   */
  async rotate(keyId: string, gracePeriodSeconds = 0): Promise<ApiKeyRotatedResponseDto> {
    const old = await this.require(keyId);
    const now = new Date();
    if (old.revokedAt || (old.expiresAt && old.expiresAt <= now)) {
      throw new AppError('conflict', `Key ${keyId} is ${old.revokedAt ? 'revoked' : 'expired'}; create a new key instead`);
    }
    // a key in its grace period has a live replacement already: a second one would leave two keys nobody meant to keep
    const replacement = await this.keys.findReplacementOf(old.id);
    if (replacement) {
      throw new AppError(
        'conflict',
        `Key ${keyId} was already rotated: its replacement is key ${replacement.id} (${replacement.prefix}…); ` +
          'rotate that one, or revoke this one to end its grace period now',
      );
    }
    const graceEnd = gracePeriodSeconds > 0 ? new Date(now.getTime() + gracePeriodSeconds * 1000) : null;
    const oldExpiresAt = graceEnd && old.expiresAt && old.expiresAt < graceEnd ? old.expiresAt : (graceEnd ?? old.expiresAt);
    const generated = generateApiKey();
    const key = await this.keys.rotate(old.id, old, oldExpiresAt, graceEnd ? null : now, {
      clientId: old.clientId,
      name: old.name,
      keyHash: generated.hash,
      prefix: generated.prefix,
      expiresAt: null,
      rotatedFromId: old.id,
      allowedModels: old.allowedModels,
      rateLimitRpm: old.rateLimitRpm,
      rateLimitTpm: old.rateLimitTpm,
    });
    if (!key) throw new AppError('conflict', `Key ${keyId} was rotated or revoked by another request meanwhile; its replacement is in the client's key list`);
    this.lookup.invalidateAll();
    return { ...createdDto(key, generated.key), rotated_from_id: old.id, previous_key_expires_at: graceEnd ? oldExpiresAt!.toISOString() : null };
  }

  /** Revocation is felt at once on this instance and within a few seconds on every other. */
  async revoke(keyId: string): Promise<void> {
    const key = await this.require(keyId);
    if (!key.revokedAt) await this.keys.revoke(key.id, new Date());
    this.lookup.invalidateAll();
  }

  private async require(id: string): Promise<ApiKey> {
    const key = isUuid(id) ? await this.keys.findById(id) : null;
    if (!key) throw new AppError('not_found', `No API key with id ${id}`);
    return key;
  }
}

function createdDto(key: ApiKey, secret: string): ApiKeyCreatedResponseDto {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    key: secret,
    created_at: key.createdAt.toISOString(),
    expires_at: key.expiresAt?.toISOString() ?? null,
  };
}

function keyDto(key: ApiKey, now = new Date()): ApiKeyResponseDto {
  return {
    id: key.id,
    client_id: key.clientId,
    name: key.name,
    prefix: key.prefix,
    status: key.revokedAt && key.revokedAt <= now ? 'revoked' : key.expiresAt && key.expiresAt <= now ? 'expired' : 'active',
    created_at: key.createdAt.toISOString(),
    expires_at: key.expiresAt?.toISOString() ?? null,
    revoked_at: key.revokedAt?.toISOString() ?? null,
    last_used_at: key.lastUsedAt?.toISOString() ?? null,
    rotated_from_id: key.rotatedFromId,
    allowed_models: key.allowedModels,
    rate_limit_rpm: key.rateLimitRpm,
    rate_limit_tpm: key.rateLimitTpm,
  };
}
