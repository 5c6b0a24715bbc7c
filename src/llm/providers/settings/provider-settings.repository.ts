import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ProviderSetting } from './provider-setting.entity';

/** Reads and writes of `providers`, the provider settings saved in the console. */
@Injectable()
export class ProviderSettingsRepository {
  constructor(@InjectRepository(ProviderSetting) private readonly rows: Repository<ProviderSetting>) {}

  all(): Promise<ProviderSetting[]> {
    return this.rows.find();
  }

  /** The saved row of a provider, or a new one with nothing set (not stored until saved). */
  async findOrNew(name: string): Promise<ProviderSetting> {
    return (await this.rows.findOne({ where: { name } })) ?? this.rows.create({ name, enabled: null, apiKeyEncrypted: null, baseUrl: null, timeoutMs: null });
  }

  async save(row: ProviderSetting): Promise<void> {
    await this.rows.save(row);
  }

  /**
   * Changes whenever a row is added, edited or removed: cheap to poll. Over every row's content, not the latest
   * updated_at: a save stamps updated_at when its transaction starts, so one committed after another instance's
   * read can carry a time older than what that instance has already seen.
   */
  async fingerprint(): Promise<string> {
    const [{ fp }] = await this.rows.query<{ fp: string }[]>(
      `SELECT coalesce(md5(string_agg(to_jsonb(p)::text, ',' ORDER BY p.name)), '') AS fp FROM providers p`,
    );
    return String(fp);
  }
}
