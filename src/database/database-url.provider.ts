import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { resolve } from 'node:path';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig } from '../config/env.schema';
import { EmbeddedDatabase } from './embedded-database';

/**
 * Where the database is: DATABASE_URL, or an embedded PostgreSQL whose files
 * live under DATA_DIR (started here, stopped on shutdown).
 */
@Injectable()
export class DatabaseConnection implements OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private embedded?: EmbeddedDatabase;
  url = '';

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async open(): Promise<string> {
    if (this.config.databaseUrl) {
      this.url = this.config.databaseUrl;
      return this.url;
    }
    const dataDir = resolve(this.config.dataDir);
    this.logger.log(`No DATABASE_URL: starting the embedded PostgreSQL in ${dataDir} (port ${this.config.embeddedDbPort})`);
    const log = new Logger('EmbeddedPostgres');
    this.embedded = await EmbeddedDatabase.start({
      dataDir,
      port: this.config.embeddedDbPort,
      logger: { info: (m) => log.debug(m), warn: (m) => log.warn(m), error: (m) => log.error(m) },
    });
    this.url = this.embedded.url;
    return this.url;
  }

  get isEmbedded(): boolean {
    return this.embedded !== undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.embedded?.stop();
  }
}
