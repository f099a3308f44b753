import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : value === true || value === 'true' || value === '1';
const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);

/** Every environment variable Rapport reads. `.env.example` documents each one. */
export class EnvironmentVariables {
  @IsOptional() @IsIn(['development', 'production', 'test']) NODE_ENV?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535) PORT?: number;
  @IsOptional() @IsString() HOST?: string;
  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL?: string;

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;
  @IsOptional() @IsString() DATA_DIR?: string;
  @IsOptional() @Transform(toBool) @IsBoolean() MIGRATIONS_RUN?: boolean;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(200) DATABASE_POOL_SIZE?: number;

  @IsOptional() @IsString() @MinLength(24, { message: 'ADMIN_API_KEY must be at least 24 characters' })
  ADMIN_API_KEY?: string;
  @IsOptional()
  @Matches(/^[A-Za-z0-9+/_-]{43,44}=?$/, { message: 'MASTER_KEY must be 32 random bytes, base64-encoded' })
  MASTER_KEY?: string;

  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) OIDC_ISSUER?: string;
  @IsOptional() @IsString() OIDC_AUDIENCE?: string;
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] }) OIDC_JWKS_URI?: string;
  @IsOptional() @IsString() OIDC_ROLES_CLAIM?: string;

  @IsOptional() @Transform(toInt) @IsInt() @Min(0) RATE_LIMIT_PER_MINUTE?: number;
  @IsOptional() @Transform(toBool) @IsBoolean() WEBHOOK_ALLOW_PRIVATE?: boolean;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(60) FOLLOW_UP_DAYS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) DORMANT_DAYS?: number;
  @IsOptional() @Transform(toBool) @IsBoolean() WORKERS_ENABLED?: boolean;
  @IsOptional() @IsString() @MaxLength(200) CONTROLLER_NAME?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(10) @Max(3_600_000) WEBHOOK_POLL_INTERVAL_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(86_400_000) WEBHOOK_RETRY_BASE_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) WEBHOOK_RETRY_WINDOW_SECONDS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) @Max(120_000) WEBHOOK_TIMEOUT_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(10) @Max(86_400_000) CONSENT_EXPIRY_SCAN_INTERVAL_MS?: number;
  @IsOptional() @IsString() AUDIT_CHECKPOINT_DIR?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(31_536_000) AUDIT_CHECKPOINT_INTERVAL_SECONDS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) @Max(600_000) HTTP_HEADERS_TIMEOUT_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) @Max(3_600_000) HTTP_REQUEST_TIMEOUT_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(36_500) RETENTION_DAYS_NO_BASIS?: number;
  @IsOptional() @Transform(toBool) @IsBoolean() RETENTION_ENFORCE?: boolean;
}

export function validateEnv(config: Record<string, unknown>): EnvironmentVariables {
  const env = plainToInstance(EnvironmentVariables, config, { enableImplicitConversion: false });
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) {
    const lines = errors.map(
      (e) => `  ${e.property}: ${Object.values(e.constraints ?? {}).join('; ') || 'invalid value'}`,
    );
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  if (config.OIDC_ISSUER && !config.OIDC_AUDIENCE) {
    throw new Error('Invalid configuration:\n  OIDC_AUDIENCE: required when OIDC_ISSUER is set');
  }
  return env;
}
