import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DATABASE_ENDPOINT, DatabaseEndpoint, portOfDatabaseUrl } from '../common/errors/database-unavailable';
import { DatabaseConnection } from './database-url.provider';
import { dataSourceOptions, runMigrations } from './data-source';

/** Where the database listens, for telling its outage apart from other errors (read once it is opened). */
function databaseEndpoint(connection: DatabaseConnection): DatabaseEndpoint {
  return {
    get port() {
      return connection.url ? portOfDatabaseUrl(connection.url) : undefined;
    },
  };
}

@Global()
@Module({
  providers: [DatabaseConnection, { provide: DATABASE_ENDPOINT, inject: [DatabaseConnection], useFactory: databaseEndpoint }],
  exports: [DatabaseConnection, DATABASE_ENDPOINT],
})
class DatabaseConnectionModule {}

/**
 * The TypeORM data source; migrations run before anything else can query
 * (inside the data source factory), under an advisory lock.
 */
@Module({
  imports: [
    DatabaseConnectionModule,
    TypeOrmModule.forRootAsync({
      imports: [DatabaseConnectionModule],
      inject: [DatabaseConnection],
      useFactory: async (connection: DatabaseConnection) => dataSourceOptions(await connection.open(), 20),
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options!).initialize();
        await runMigrations(dataSource);
        return dataSource;
      },
    }),
  ],
  exports: [DatabaseConnectionModule],
})
export class DatabaseModule {}
