import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { resolveInstanceSecret } from '../../../common/crypto/instance-secret';
import { maskSecret, SecretBox } from '../../../common/crypto/secret-box';
import { AppError } from '../../../common/errors/app-error';
import { ReloadPoller } from '../../../common/reload-poller';
import { APP_CONFIG } from '../../../config/config.module';
import { AppConfig } from '../../../config/env.schema';
import { LlmProvider, ProviderSettings } from '../llm-provider';
import { ProviderRegistry } from '../provider-registry';
import { registerProviderSecret } from '../provider-secrets';
import { ProviderSetting } from './provider-setting.entity';
import { ProviderSettingsRepository } from './provider-settings.repository';

/** how often other instances pick up a provider edited in the console */
const REFRESH_MS = 15_000;

export interface ProviderStatus {
  name: string;
  configured: boolean;
  enabled: boolean;
  api_key: string | null;
  api_key_source: 'environment' | 'console' | null;
  base_url: string | null;
  timeout_ms: number;
  models: string[];
}

export interface ProviderUpdate {
  enabled?: boolean;
  /** write-only; null or an empty string removes the console key (the environment's applies again) */
  api_key?: string | null;
  base_url?: string | null;
  timeout_ms?: number | null;
}

/**
 * A provider's settings = the environment, overlaid by what an operator saved
 * in the console (key encrypted with LLMHUB_SECRET). Applies them to each
 * strategy with configure(), at start, on edit, and periodically for edits made
 * on other instances.
 */
@Injectable()
export class ProviderSettingsService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ProviderSettings');
  private readonly box: SecretBox;
  private readonly applied = new Map<string, { settings: ProviderSettings; source: ProviderStatus['api_key_source'] }>();
  private readonly poller = new ReloadPoller({
    what: 'provider settings',
    intervalMs: REFRESH_MS,
    check: () => this.reloadIfChanged(),
    logger: this.logger,
  });
  /** the rows' fingerprint as of the last load: another instance's edit changes it */
  private fingerprint = '';
  /** loads run one after another, so an older read never lands last */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: ProviderRegistry,
    private readonly rows: ProviderSettingsRepository,
  ) {
    const { secret, generated } = resolveInstanceSecret(config.secret, config.dataDir);
    if (generated) this.logger.warn('LLMHUB_SECRET is not set: generated one in DATA_DIR/llmhub.secret. Set LLMHUB_SECRET when running several instances.');
    this.box = new SecretBox(secret);
  }

  async onModuleInit(): Promise<void> {
    await this.reload();
    this.poller.start();
  }

  onApplicationShutdown(): void {
    this.poller.stop();
  }

  private envSettings(id: string): { apiKey?: string; baseUrl?: string } {
    const builtin = this.config.providers as unknown as Record<string, { apiKey?: string; baseUrl?: string } | undefined>;
    const custom = this.config.providers.custom.find((c) => c.name === id);
    if (custom) return { apiKey: custom.apiKey, baseUrl: custom.baseUrl };
    const entry = builtin[id];
    return entry && typeof entry === 'object' && !Array.isArray(entry) ? entry : {};
  }

  reload(): Promise<void> {
    const next = this.queue.then(() => this.load());
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async load(): Promise<void> {
    // fingerprint first: a change landing in between is seen by the next poll
    const fingerprint = await this.rows.fingerprint();
    const saved = new Map((await this.rows.all()).map((row) => [row.name, row]));
    const all = this.registry.all();
    const real = all.filter((p) => !p.descriptor.standIn);
    for (const provider of real) this.apply(provider, saved.get(provider.id));
    // stand-ins (the mock) follow MOCK_PROVIDER, and with `auto` answer only while no real provider is configured
    const mode = this.config.providers.mock;
    const standInsEnabled = mode === 'on' || (mode === 'auto' && !real.some((p) => p.isConfigured()));
    for (const standIn of all.filter((p) => p.descriptor.standIn)) this.apply(standIn, saved.get(standIn.id), standInsEnabled);
    this.fingerprint = fingerprint;
  }

  private apply(provider: LlmProvider, row: ProviderSetting | undefined, defaultEnabled = true): void {
    const env = this.envSettings(provider.id);
    let apiKey = env.apiKey;
    let source: ProviderStatus['api_key_source'] = apiKey ? 'environment' : null;
    if (row?.apiKeyEncrypted) {
      try {
        apiKey = this.box.open(row.apiKeyEncrypted);
        source = 'console';
      } catch {
        this.logger.error(`The stored key of provider "${provider.id}" cannot be decrypted: was LLMHUB_SECRET changed?`);
      }
    }
    const settings: ProviderSettings = {
      apiKey,
      baseUrl: row?.baseUrl ?? env.baseUrl,
      enabled: row?.enabled ?? defaultEnabled,
      timeoutMs: row?.timeoutMs ?? this.config.providers.timeoutMs,
    };
    registerProviderSecret(apiKey);
    provider.configure(settings);
    this.applied.set(provider.id, { settings, source });
  }

  /** The poller's check (every REFRESH_MS): reloads when the saved settings differ from those last loaded. */
  async reloadIfChanged(): Promise<void> {
    if ((await this.rows.fingerprint()) !== this.fingerprint) await this.reload();
  }

  timeoutOf(id: string): number {
    return this.applied.get(id)?.settings.timeoutMs ?? this.config.providers.timeoutMs;
  }

  list(): ProviderStatus[] {
    return this.registry.all().map((p) => this.status(p));
  }

  status(provider: LlmProvider): ProviderStatus {
    const applied = this.applied.get(provider.id);
    return {
      name: provider.id,
      configured: provider.isConfigured(),
      enabled: applied?.settings.enabled ?? false,
      api_key: maskSecret(applied?.settings.apiKey),
      api_key_source: applied?.source ?? null,
      base_url: applied?.settings.baseUrl ?? null,
      timeout_ms: applied?.settings.timeoutMs ?? this.config.providers.timeoutMs,
      models: provider.listModels().map((m) => m.id),
    };
  }

  async update(name: string, change: ProviderUpdate): Promise<ProviderStatus> {
    const provider = this.registry.find(name);
    if (!provider) throw new AppError('not_found', `Unknown provider "${name}"`);
    const row = await this.rows.findOrNew(provider.id);
    if (change.enabled !== undefined) row.enabled = change.enabled;
    if (change.api_key !== undefined) row.apiKeyEncrypted = change.api_key === null || change.api_key === '' ? null : this.box.seal(change.api_key);
    if (change.base_url !== undefined) row.baseUrl = change.base_url;
    if (change.timeout_ms !== undefined) row.timeoutMs = change.timeout_ms;
    await this.rows.save(row);
    await this.reload();
    return this.status(provider);
  }
}
