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

  /** The latest updated_at of any row in epoch milliseconds, 0 when there is none: cheap to poll. */
  async latestUpdate(): Promise<number> {
    const [{ latest }] = await this.rows.query<{ latest: number }[]>(
      `SELECT coalesce(extract(epoch from max(updated_at)) * 1000, 0)::float8 AS latest FROM providers`,
    );
    return Number(latest);
  }
}
