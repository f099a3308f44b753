import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AuditService } from '../audit/audit.service.js';
import { Principal } from '../auth/role.js';
import { DomainError, NotFoundError, ValidationFailedError } from '../common/errors/domain.error.js';
import { assertIfMatch, IfMatch } from '../common/http/etag.js';
import { Page, PageQueryDto } from '../common/http/pagination.js';
import { authConfig } from '../config/app.config.js';
import { pageByCreation } from '../database/page-by-creation.js';
import { TransactionService } from '../database/transaction.service.js';
import { ApiKey } from './api-key.entity.js';
import { ApiKeyResponseDto, CreatedApiKeyResponseDto } from './dto/api-key.response.dto.js';
import { CreateApiKeyDto } from './dto/create-api-key.dto.js';

/** Recognisable prefix: secret scanners and log searches can find leaked keys by it. */
export const API_KEY_PREFIX = 'rapk_';
const KEY_PATTERN = /^rapk_[A-Za-z0-9_-]{20,200}$/;
const CACHE_TTL_MS = 10_000;

export const hashApiKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

const toResponse = (k: ApiKey): ApiKeyResponseDto => ({
  id: k.id,
  name: k.name,
  role: k.role,
  userId: k.userId,
  recipientId: k.recipientId,
  oauthClientId: k.oauthClientId,
  prefix: k.prefix,
  expiresAt: k.expiresAt,
  revokedAt: k.revokedAt,
  version: k.version,
  createdAt: k.createdAt,
});

interface CachedKey {
  principal: Principal;
  expiresAt: number | null;
  cachedAt: number;
}

@Injectable()
export class ApiKeysService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ApiKeysService.name);
  /** Recently verified keys by hash; revocation evicts at once. */
  private readonly cache = new Map<string, CachedKey>();

  constructor(
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
  ) {}

  private get repo() {
    return this.tx.manager.getRepository(ApiKey);
  }

  /** ADMIN_API_KEY: make sure an active admin key with exactly this secret exists. */
  async onApplicationBootstrap(): Promise<void> {
    const secret = this.config.adminApiKey;
    if (!secret) return;
    const keyHash = hashApiKey(secret);
    await this.tx.run(async (m) => {
      const existing = await m.getRepository(ApiKey).findOneBy({ keyHash });
      if (existing && !existing.revokedAt && (!existing.expiresAt || existing.expiresAt > new Date()) && existing.role === 'admin') return;
      if (existing) {
        await m.query('UPDATE api_keys SET revoked_at = NULL, expires_at = NULL, role = $2, version = version + 1 WHERE id = $1', [existing.id, 'admin']);
        await this.audit.record({ action: 'restore', entityType: 'api_key', entityId: existing.id, after: { role: 'admin', reason: 'ADMIN_API_KEY' } });
        return;
      }
      const key = await m.getRepository(ApiKey).save(
        m.getRepository(ApiKey).create({
          name: 'Bootstrap admin (ADMIN_API_KEY)',
          role: 'admin',
          prefix: secret.slice(0, 12),
          keyHash,
          createdBy: 'ADMIN_API_KEY',
        }),
      );
      await this.audit.record({ action: 'create', entityType: 'api_key', entityId: key.id, after: toResponse(key) });
      this.logger.log('Bootstrap admin API key from ADMIN_API_KEY is ready');
    });
  }

  async create(dto: CreateApiKeyDto, createdBy: string): Promise<CreatedApiKeyResponseDto> {
    if (dto.role !== 'integration' && dto.recipientId) {
      throw new ValidationFailedError('recipientId is only for integration keys', [
        { field: 'recipientId', message: 'only integration keys are bound to a recipient' },
      ]);
    }
    if (dto.role !== 'integration' && dto.oauthClientId) {
      throw new ValidationFailedError('oauthClientId is only for integration keys', [
        { field: 'oauthClientId', message: 'only integration keys can be used through OAuth client credentials' },
      ]);
    }
    const m = this.tx.manager;
    if (dto.userId && (await m.query('SELECT 1 FROM users WHERE id = $1', [dto.userId])).length === 0) {
      throw new NotFoundError('User', dto.userId);
    }
    if (dto.recipientId && !(await this.recipientExists(dto.recipientId))) {
      throw new NotFoundError('Recipient', dto.recipientId);
    }
    const secret = API_KEY_PREFIX + randomBytes(32).toString('base64url');
    const entity = this.repo.create({
      name: dto.name,
      role: dto.role,
      userId: dto.userId ?? null,
      recipientId: dto.recipientId ?? null,
      oauthClientId: dto.oauthClientId ?? null,
      prefix: secret.slice(0, 12),
      keyHash: hashApiKey(secret),
      expiresAt: dto.expiresAt ? new Date(dto.expiresAt) : null,
      createdBy,
    });
    const saved = await this.repo.save(entity);
    await this.audit.record({ action: 'create', entityType: 'api_key', entityId: saved.id, after: toResponse(saved) });
    return { ...toResponse(saved), key: secret };
  }

  private async recipientExists(id: string): Promise<boolean> {
    const m = this.tx.manager;
    const [{ t }] = await m.query(`SELECT to_regclass('recipients') AS t`);
    if (!t) return false;
    return (await m.query('SELECT 1 FROM recipients WHERE id = $1', [id])).length > 0;
  }

  list(q: PageQueryDto): Promise<Page<ApiKeyResponseDto>> {
    return pageByCreation(this.repo, q, toResponse);
  }

  async findOne(id: string): Promise<ApiKeyResponseDto> {
    const key = await this.repo.findOneBy({ id });
    if (!key) throw new NotFoundError('API key', id);
    return toResponse(key);
  }

  /** Revokes at once; `If-Match` must name the current version (412 otherwise), as on every DELETE. */
  async revoke(id: string, ifMatch: IfMatch): Promise<void> {
    const key = await this.repo.findOne({ where: { id }, lock: this.tx.inTransaction ? { mode: 'pessimistic_write' } : undefined });
    if (!key) throw new NotFoundError('API key', id);
    assertIfMatch(ifMatch, key.version);
    if (!key.revokedAt) {
      const before = toResponse(key);
      key.revokedAt = new Date();
      await this.repo.save(key);
      await this.audit.record({ action: 'revoke', entityType: 'api_key', entityId: id, before, after: toResponse(key) });
    }
    this.evict(id);
  }

  private evict(id: string): void {
    for (const [hash, entry] of this.cache) if (entry.principal.credentialId === id) this.cache.delete(hash);
  }

  /** Resolves an `X-API-Key` to a principal, or null. Hashes are compared in constant time. */
  async authenticate(presented: string): Promise<Principal | null> {
    const hashHex = hashApiKey(presented);
    // ADMIN_API_KEY may have any shape: compared by hash in constant time, never with a string `!==` on the secret.
    if (!KEY_PATTERN.test(presented) && !this.isAdminApiKey(hashHex)) return null;
    const now = Date.now();
    const cached = this.cache.get(hashHex);
    if (cached && now - cached.cachedAt < CACHE_TTL_MS) {
      if (cached.expiresAt !== null && cached.expiresAt <= now) return null;
      return cached.principal;
    }
    const rows: { id: string; role: Principal['role']; user_id: string | null; recipient_id: string | null; key_hash: string; expires_at: Date | null }[] =
      await this.tx.dataSource.query(
        `SELECT k.id, k.role, k.user_id, k.recipient_id, k.key_hash, k.expires_at FROM api_keys k
           LEFT JOIN users u ON u.id = k.user_id
         WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND (k.user_id IS NULL OR u.active)`,
        [hashHex],
      );
    const row = rows[0];
    const presentedHash = Buffer.from(hashHex, 'hex');
    if (!row || !timingSafeEqual(Buffer.from(row.key_hash, 'hex'), presentedHash)) {
      this.cache.delete(hashHex);
      return null;
    }
    const principal: Principal = {
      kind: 'api_key',
      credentialId: row.id,
      role: row.role,
      userId: row.user_id,
      recipientId: row.recipient_id,
    };
    const expiresAt = row.expires_at ? new Date(row.expires_at).getTime() : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hashHex, { principal, expiresAt, cachedAt: now });
    if (expiresAt !== null && expiresAt <= now) return null;
    return principal;
  }

  private isAdminApiKey(presentedHashHex: string): boolean {
    const secret = this.config.adminApiKey;
    return !!secret && timingSafeEqual(Buffer.from(hashApiKey(secret), 'hex'), Buffer.from(presentedHashHex, 'hex'));
  }

  /** An OAuth client registered on an active integration key acts exactly like that key. */
  async principalForOauthClient(clientId: string): Promise<Principal | null> {
    const rows: { id: string; user_id: string | null; recipient_id: string | null }[] = await this.tx.dataSource.query(
      `SELECT id, user_id, recipient_id FROM api_keys
       WHERE oauth_client_id = $1 AND role = 'integration' AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
      [clientId],
    );
    if (!rows[0]) return null;
    return { kind: 'oidc_client', credentialId: rows[0].id, role: 'integration', userId: rows[0].user_id, recipientId: rows[0].recipient_id };
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(detail = 'Send a valid X-API-Key header or an OpenID Connect bearer token') {
    super('UNAUTHENTICATED', detail, 401, undefined, undefined, { 'WWW-Authenticate': 'Bearer realm="rapport", ApiKey header="X-API-Key"' });
  }
}
