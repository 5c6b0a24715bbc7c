import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DatabaseConnection } from './database-url.provider';
import { dataSourceOptions, runMigrations } from './data-source';

@Global()
@Module({
  providers: [DatabaseConnection],
  exports: [DatabaseConnection],
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
