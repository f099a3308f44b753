import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import * as path from 'node:path';
import { loadEnvFile } from './config/env-file.js';
import { validateEnv } from './config/env.validation.js';
import type { EmbeddedDatabase } from './database/embedded-postgres.js';

async function bootstrap(): Promise<void> {
  loadEnvFile();
  const env = validateEnv(process.env);
  const logLevel = env.LOG_LEVEL ?? 'info';
  const logger = new Logger('Bootstrap');

  let embedded: EmbeddedDatabase | undefined;
  if (!env.DATABASE_URL) {
    const { startEmbeddedPostgres } = await import('./database/embedded-postgres.js');
    const dataDir = path.resolve(env.DATA_DIR ?? '.data');
    logger.log(`DATABASE_URL is not set: starting embedded PostgreSQL in ${dataDir}`);
    embedded = await startEmbeddedPostgres(dataDir);
    process.env.DATABASE_URL = embedded.url;
  }

  // Loaded only now: configuration is read when the module is imported.
  const { AppModule } = await import('./app.module.js');
  const setup = await import('./app.setup.js');
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, setup.createAdapter(logLevel), {
    logger: setup.createLogger(logLevel),
  });
  await setup.configureApp(app);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: draining requests and stopping`);
    try {
      await app.close();
      await embedded?.stop();
    } finally {
      process.exit(0);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  const port = env.PORT ?? 3000;
  await app.listen({ port, host: env.HOST ?? '0.0.0.0' });
  logger.log(`Rapport listens on port ${port}; OpenAPI at /openapi.json, Swagger UI at /docs`);
}

bootstrap().catch((err: Error) => {
  // Configuration errors name the variable; nothing else is printed that could hold a secret.
  console.error(err.message);
  process.exit(1);
});
