import { registerAs } from '@nestjs/config';
import * as path from 'node:path';

export const appConfig = registerAs('app', () => ({
  port: Number(process.env.PORT ?? 3000),
  host: process.env.HOST ?? '0.0.0.0',
  logLevel: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  dataDir: path.resolve(process.env.DATA_DIR ?? '.data'),
  rateLimitPerMinute: process.env.RATE_LIMIT_PER_MINUTE === undefined ? 1200 : Number(process.env.RATE_LIMIT_PER_MINUTE),
  webhookAllowPrivate: process.env.WEBHOOK_ALLOW_PRIVATE === 'true',
  followUpDays: Number(process.env.FOLLOW_UP_DAYS ?? 3),
  dormantDays: Number(process.env.DORMANT_DAYS ?? 180),
  workersEnabled: process.env.WORKERS_ENABLED !== 'false',
  /** The organisation named as data controller in consent receipts. */
  controllerName: process.env.CONTROLLER_NAME || 'Rapport',
  webhookPollIntervalMs: Number(process.env.WEBHOOK_POLL_INTERVAL_MS ?? 1000),
  webhookRetryBaseMs: Number(process.env.WEBHOOK_RETRY_BASE_MS ?? 30_000),
  webhookRetryWindowSeconds: Number(process.env.WEBHOOK_RETRY_WINDOW_SECONDS ?? 72 * 3600),
  webhookTimeoutMs: Number(process.env.WEBHOOK_TIMEOUT_MS ?? 10_000),
  consentExpiryScanIntervalMs: Number(process.env.CONSENT_EXPIRY_SCAN_INTERVAL_MS ?? 60_000),
  /** Retention: days without activity after which a contact with no live consent or basis is due for erasure. */
  retentionDaysNoBasis: Number(process.env.RETENTION_DAYS_NO_BASIS ?? 730),
  /** Retention: erase due contacts by a daily job (otherwise only on POST /retention/run). */
  retentionEnforce: process.env.RETENTION_ENFORCE === 'true',
}));

export const auditConfig = registerAs('audit', () => ({
  /** Where each signed checkpoint is also written as a file: storage the database's administrators cannot write. */
  checkpointDir: path.resolve(process.env.AUDIT_CHECKPOINT_DIR ?? path.join(process.env.DATA_DIR ?? '.data', 'checkpoints')),
  /** A checkpoint is made this often when the chain has grown (0: only on request). */
  checkpointIntervalSeconds: Number(process.env.AUDIT_CHECKPOINT_INTERVAL_SECONDS ?? 3600),
}));

export const authConfig = registerAs('auth', () => ({
  adminApiKey: process.env.ADMIN_API_KEY || undefined,
  oidcIssuer: process.env.OIDC_ISSUER || undefined,
  oidcAudience: process.env.OIDC_AUDIENCE || undefined,
  oidcJwksUri: process.env.OIDC_JWKS_URI || undefined,
  oidcRolesClaim: process.env.OIDC_ROLES_CLAIM || 'roles',
}));

export const cryptoConfig = registerAs('crypto', () => ({
  masterKey: process.env.MASTER_KEY || undefined,
}));


export const databaseConfig = registerAs('database', () => ({
  url: process.env.DATABASE_URL ?? '',
  migrationsRun: process.env.MIGRATIONS_RUN !== 'false',
  poolSize: Number(process.env.DATABASE_POOL_SIZE ?? 10),
}));
