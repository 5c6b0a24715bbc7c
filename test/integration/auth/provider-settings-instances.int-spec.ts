import { Module } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ConfigModule } from '@src/config/config.module';
import { DatabaseModule } from '@src/database/database.module';
import { GroqProvider } from '@src/llm/providers/groq/groq.provider';
import { LLM_PROVIDERS, LlmProvider } from '@src/llm/providers/llm-provider';
import { OpenAiProvider } from '@src/llm/providers/openai/openai.provider';
import { ProviderRegistry } from '@src/llm/providers/provider-registry';
import { ProviderSetting } from '@src/llm/providers/settings/provider-setting.entity';
import { ProviderSettingsRepository } from '@src/llm/providers/settings/provider-settings.repository';
import { ProviderSettingsService } from '@src/llm/providers/settings/provider-settings.service';
import { createTestDatabase, TestDatabase } from '@test/support/db';

@Module({
  imports: [ConfigModule, DatabaseModule, TypeOrmModule.forFeature([ProviderSetting])],
  providers: [
    OpenAiProvider,
    GroqProvider,
    { provide: LLM_PROVIDERS, inject: [OpenAiProvider, GroqProvider], useFactory: (...all: LlmProvider[]) => all },
    ProviderRegistry,
    ProviderSettingsRepository,
    ProviderSettingsService,
  ],
})
class ProviderSettingsTestModule {}

interface Instance {
  module: TestingModule;
  settings: ProviderSettingsService;
  registry: ProviderRegistry;
}

async function startInstance(databaseUrl: string, dataDir: string): Promise<Instance> {
  Object.assign(process.env, {
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    ADMIN_TOKEN: 'test-admin-token-0123456789abcdef',
    LLMHUB_SECRET: 'test-secret-0123456789abcdef0123456789abcdef',
    LOG_LEVEL: 'silent',
  });
  const module = await Test.createTestingModule({ imports: [ProviderSettingsTestModule] })
    .setLogger(false as never)
    .compile();
  await module.init();
  return { module, settings: module.get(ProviderSettingsService), registry: module.get(ProviderRegistry) };
}

describe('Provider settings edited on one instance reach another (real PostgreSQL)', () => {
  let db: TestDatabase;
  let dataDir: string;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'llmhub-provider-settings-'));
    a = await startInstance(db.url, dataDir);
    b = await startInstance(db.url, dataDir);
  });
  afterAll(async () => {
    await a?.module.close();
    await b?.module.close();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('picks up a key saved on another instance at its next check', async () => {
    await a.settings.update('openai', { api_key: 'sk-first-0123456789' });
    expect(b.registry.get('openai').isConfigured()).toBe(false);
    await b.settings.reloadIfChanged();
    expect(b.settings.status(b.registry.get('openai'))).toMatchObject({ configured: true, enabled: true, api_key_source: 'console' });
  });

  it('obeys a provider disabled in a save that commits after a later one was already seen', async () => {
    await a.settings.update('openai', { api_key: 'sk-second-0123456789' });
    await b.settings.reloadIfChanged();
    expect(b.registry.get('openai').isConfigured()).toBe(true);

    // a save as ProviderSettingsRepository.save makes it (updated_at is stamped when its transaction starts),
    // whose commit comes late: the database was slow, or the instance paused between its statements
    const late = new Client({ connectionString: db.url });
    await late.connect();
    try {
      await late.query('BEGIN');
      await late.query(`UPDATE providers SET enabled = false, updated_at = CURRENT_TIMESTAMP WHERE name = 'openai'`);
      // meanwhile another edit, started later, commits first, and instance b reloads with it; its stamp falls on a
      // whole millisecond, as one in a thousand does (the stamp has microseconds, a JavaScript Date milliseconds)
      await a.settings.update('groq', { api_key: 'gsk-0123456789' });
      await a.module.get(DataSource).query(`UPDATE providers SET updated_at = date_trunc('milliseconds', updated_at) WHERE name = 'groq'`);
      await b.settings.reloadIfChanged();
      expect(b.registry.get('groq').isConfigured()).toBe(true);
      await late.query('COMMIT');
    } finally {
      await late.end();
    }

    // the next check sees openai disabled (it was missed for good: its updated_at is older than groq's)
    await b.settings.reloadIfChanged();
    expect(b.settings.status(b.registry.get('openai'))).toMatchObject({ enabled: false, configured: false });
  });
});
