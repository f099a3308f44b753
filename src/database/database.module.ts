import { Global, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { databaseConfig } from '../config/app.config.js';
import { AfterCommit } from './after-commit.js';
import { dataSourceOptions } from './data-source.js';
import { DatabaseLocaleCheck } from './locale-check.js';
import { TransactionService } from './transaction.service.js';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [databaseConfig.KEY],
      useFactory: (db: ConfigType<typeof databaseConfig>) => {
        if (!db.url) throw new Error('DATABASE_URL is not set and no embedded PostgreSQL was started');
        return {
          ...dataSourceOptions(db.url, { migrationsRun: db.migrationsRun, extra: { max: db.poolSize } }),
          autoLoadEntities: true,
          retryAttempts: 3,
          retryDelay: 1000,
        };
      },
    }),
  ],
  providers: [TransactionService, DatabaseLocaleCheck, AfterCommit],
  exports: [TransactionService, AfterCommit],
})
export class DatabaseModule {}
