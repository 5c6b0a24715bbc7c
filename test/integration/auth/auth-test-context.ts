import { Module } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import Redis from 'ioredis';
import { ApiKeysService } from '../../../src/auth/api-keys.service';
import { AuthModule } from '../../../src/auth/auth.module';
import { ClientsService } from '../../../src/auth/clients.service';
import { ApiClientCreateDto } from '../../../src/auth/dto/api-client.dto';
import { KeyLookupService } from '../../../src/auth/key-lookup.service';
import { LimitsService } from '../../../src/auth/limits/limits.service';
import { RedisLimitStore } from '../../../src/auth/limits/redis-limit.store';
import { Caller } from '../../../src/common/caller';
import { ConfigModule } from '../../../src/config/config.module';
import { DatabaseModule } from '../../../src/database/database.module';
import { ProviderNamesModule } from '../../../src/llm/providers/provider-names.module';

@Module({ imports: [ConfigModule, DatabaseModule, ProviderNamesModule, AuthModule] })
class AuthTestModule {}

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** One "instance" of the auth services against a real database (and Redis when given). */
export interface AuthInstance {
  module: TestingModule;
  limits: LimitsService;
  clients: ClientsService;
  keys: ApiKeysService;
  lookup: KeyLookupService;
  redisStore: RedisLimitStore;
  close(): Promise<void>;
}

/** `env`: more variables for this instance only (set while it starts). */
export async function startAuthInstance(databaseUrl: string, redisUrl: string | undefined, env: Record<string, string> = {}): Promise<AuthInstance> {
  const before = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  process.env.DATABASE_URL = databaseUrl;
  process.env.ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
  process.env.LOG_LEVEL = 'silent';
  if (redisUrl) process.env.REDIS_URL = redisUrl;
  else delete process.env.REDIS_URL;
  const module = await Test.createTestingModule({ imports: [AuthTestModule] })
    .setLogger(false as never)
    .compile();
  await module.init();
  for (const [name, value] of Object.entries(before)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  const redisStore = module.get(RedisLimitStore);
  return {
    module,
    limits: module.get(LimitsService),
    clients: module.get(ClientsService),
    keys: module.get(ApiKeysService),
    lookup: module.get(KeyLookupService),
    redisStore,
    close: () => module.close(),
  };
}

/** Waits until the instance's Redis connection is ready (or throws). */
export async function redisReady(instance: AuthInstance, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!instance.redisStore.available) {
    if (Date.now() > until) throw new Error('Redis did not become ready');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A client with one key, and the Caller the guard would build for it. */
export async function createCaller(instance: AuthInstance, dto: Partial<ApiClientCreateDto> = {}): Promise<{ caller: Caller; key: string; clientId: string }> {
  const client = await instance.clients.create({ name: `client-${Math.random().toString(36).slice(2)}`, ...dto });
  const key = await instance.keys.create(client.id, { name: 'test' });
  const verdict = await instance.lookup.verify(key.key);
  if (verdict.status === 'invalid') throw new Error('fresh key refused');
  return { caller: verdict.caller, key: key.key, clientId: client.id };
}

export async function deleteRedisKeysOf(clientIds: string[], url = TEST_REDIS_URL): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    for (const id of clientIds) {
      const keys = await redis.keys(`llmhub:*{${id}}*`);
      if (keys.length > 0) await redis.del(...keys);
    }
  } catch {
    // best effort
  } finally {
    redis.disconnect();
  }
}
